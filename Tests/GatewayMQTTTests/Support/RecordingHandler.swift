import GatewayCore
import GatewayMQTT
import Synchronization

/// A batch handler that records everything and can be told to fail.
final class RecordingHandler: MQTTBatchHandler {
    struct HandlerFailure: Error, CustomStringConvertible {
        var description: String { "injected handler failure" }
    }

    private struct State {
        var batches: [[InboundMessage]] = []
        var failedBatches: [[InboundMessage]] = []
        var events: [MQTTConnectionEvent] = []
        var failuresLeft = 0
        var failWhen: (@Sendable ([InboundMessage]) -> Bool)?
    }

    private let state = Mutex(State())
    /// Told `true` when a batch starts and `false` when it ends (on the loop thread).
    private let handling: @Sendable (Bool) -> Void

    init(handling: @escaping @Sendable (Bool) -> Void = { _ in }) {
        self.handling = handling
    }

    /// Makes the next `count` batches for which `predicate` holds throw.
    func failNext(_ count: Int = 1, when predicate: @escaping @Sendable ([InboundMessage]) -> Bool = { _ in true }) {
        state.withLock { state in
            state.failuresLeft = count
            state.failWhen = predicate
        }
    }

    func handle(_ batch: [InboundMessage]) throws {
        handling(true)
        defer { handling(false) }
        let fail = state.withLock { state -> Bool in
            if state.failuresLeft > 0, state.failWhen?(batch) ?? true {
                state.failuresLeft -= 1
                state.failedBatches.append(batch)
                return true
            }
            state.batches.append(batch)
            return false
        }
        if fail { throw HandlerFailure() }
    }

    func connectionChanged(_ event: MQTTConnectionEvent) {
        state.withLock { $0.events.append(event) }
    }

    var batches: [[InboundMessage]] { state.withLock { $0.batches } }
    var failedBatches: [[InboundMessage]] { state.withLock { $0.failedBatches } }
    var messages: [InboundMessage] { state.withLock { $0.batches.flatMap { $0 } } }
    var events: [MQTTConnectionEvent] { state.withLock { $0.events } }

    /// `sessionPresent` of every `.connected` event, in order.
    var sessionPresentFlags: [Bool] {
        events.compactMap { event in
            if case .connected(let present) = event { return present }
            return nil
        }
    }

    var subscribedCount: Int {
        events.filter { if case .subscribed = $0 { return true } else { return false } }.count
    }

    func payloads(onTopic topic: String) -> [String] {
        messages.filter { $0.topic == topic }.map { String(decoding: $0.payload, as: UTF8.self) }
    }
}
