import GatewayStore

/// The messages published and not yet acknowledged, in publish order, and the cursors their
/// acknowledgements allow.
///
/// A broker normally acknowledges in order, but MQTT does not promise it; so a cursor only moves
/// over the acknowledged *prefix* of what was published: a message acknowledged while an earlier
/// one is still open waits. That keeps "cursor = every record up to here was acknowledged" true.
struct AckWindow {
    struct Entry {
        let mid: Int32
        let stream: ForwardStream
        let lastSeq: Int64
        let records: Int
        var acknowledged = false
    }

    private var entries: [Entry] = []
    /// Highest seq handed to the publisher, per stream.
    private(set) var sent: ForwardCursors
    /// Highest seq of the acknowledged prefix, per stream.
    private(set) var acknowledged: ForwardCursors

    init(acknowledged: ForwardCursors) {
        self.sent = acknowledged
        self.acknowledged = acknowledged
    }

    var inFlight: Int { entries.count }

    mutating func published(mid: Int32, stream: ForwardStream, lastSeq: Int64, records: Int) {
        entries.append(Entry(mid: mid, stream: stream, lastSeq: lastSeq, records: records))
        sent[stream] = max(sent[stream], lastSeq)
    }

    /// Marks a message acknowledged; false for an id this window does not hold (a status message).
    @discardableResult
    mutating func acknowledge(mid: Int32) -> Bool {
        guard let index = entries.firstIndex(where: { $0.mid == mid && !$0.acknowledged }) else { return false }
        entries[index].acknowledged = true
        return true
    }

    /// Moves the cursors over the acknowledged prefix; returns how many records of each stream that
    /// forwarded (empty when nothing moved).
    mutating func advance() -> [ForwardStream: Int] {
        var forwarded: [ForwardStream: Int] = [:]
        var done = 0
        for entry in entries {
            guard entry.acknowledged else { break }
            acknowledged[entry.stream] = max(acknowledged[entry.stream], entry.lastSeq)
            forwarded[entry.stream, default: 0] += entry.records
            done += 1
        }
        entries.removeFirst(done)
        return forwarded
    }
}
