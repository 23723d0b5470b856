import Synchronization

/// Which sequence numbers the broker acknowledged, matched through MQTT message ids.
///
/// A PUBACK can arrive on libmosquitto's thread before `publish` has returned the message id to us,
/// so an id acknowledged "early" is parked until its sequence number is known. Message ids are
/// reused after 65,535 publishes, which is safe because at most `maxInFlight` are open at once.
final class AckLedger: Sendable {
    private struct State {
        var open: [Int32: Int64] = [:]
        var early: Set<Int32> = []
        var acknowledged: [Int64] = []
    }

    private let state = Mutex(State())

    /// Records that `sequence` went out as message `mid`.
    func published(mid: Int32, sequence: Int64) {
        state.withLock { s in
            if s.early.remove(mid) != nil {
                s.acknowledged.append(sequence)
            } else {
                s.open[mid] = sequence
            }
        }
    }

    /// Records the broker's PUBACK for message `mid`.
    func acknowledged(mid: Int32) {
        state.withLock { s in
            if let sequence = s.open.removeValue(forKey: mid) {
                s.acknowledged.append(sequence)
            } else {
                s.early.insert(mid)
            }
        }
    }

    /// The acknowledged sequence numbers, in the order the acks arrived.
    var acknowledgedSequences: [Int64] {
        state.withLock { $0.acknowledged }
    }
}
