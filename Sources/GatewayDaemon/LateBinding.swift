import Synchronization

/// A value set once after the objects that read it were built: the composition root wires two
/// services that refer to each other (the ingest pipeline wakes the buffer policy, which is built
/// after the ingest client it pauses).
final class LateBinding<Value: Sendable>: Sendable {
    private let box = Mutex<Value?>(nil)

    init() {}

    var value: Value? {
        get { box.withLock { $0 } }
        set { box.withLock { $0 = newValue } }
    }
}
