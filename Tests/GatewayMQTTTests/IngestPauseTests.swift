import Foundation
import GatewayCore
import GatewayMQTT
import GatewayTestSupport
import Testing

/// `setPaused(_:)` (`buffer.when_full: pause_ingest`): a graceful disconnect that keeps the
/// persistent session, the broker queues meanwhile, and resuming delivers the queue.
@Suite("Ingest client: pause and resume", .timeLimit(.minutes(3)))
struct IngestPauseTests {
    @Test("while paused nothing is read and the broker queues; resuming delivers everything once", arguments: MQTTProtocolVersion.allCases)
    func pauseQueuesAtTheBroker(protocolVersion: MQTTProtocolVersion) throws {
        let broker = try MosquittoBroker()
        let options = testOptions(
            broker: broker, clientID: "ingest-pause-\(protocolVersion.rawValue)", filters: [("meter/#", 1)],
            protocolVersion: protocolVersion, statusTopic: "gw/status")
        let runner = ClientRunner(options: options)
        #expect(eventually { runner.handler.subscribedCount == 1 })
        let publisher = try testPublisher(broker)
        for i in 0..<100 { try publisher.publish(topic: "meter/a", payload: .text("\(i)"), qos: 1) }
        #expect(eventually { runner.handler.messages.count == 100 })

        runner.client.setPaused(true)
        #expect(runner.client.isPaused && runner.client.pauses == 1)
        #expect(eventually { !runner.client.isConnected }, "a pause disconnects")
        for i in 100..<300 { try publisher.publish(topic: "meter/a", payload: .text("\(i)"), qos: 1) }
        #expect(publisher.waitForAcknowledgements(timeoutSeconds: 30), "the broker accepts while we are paused")
        // A marker published after the queued ones: once the broker acknowledged it, a client that
        // were still reading would have had the time to get it; a paused one must not have it.
        try publisher.publish(topic: "meter/marker", payload: .text("m"), qos: 1)
        #expect(publisher.waitForAcknowledgements(timeoutSeconds: 30))
        #expect(runner.handler.messages.count == 100, "nothing is read while paused")
        #expect(!runner.handler.events.contains { if case .disconnected(let r) = $0 { !r.contains("paused") } else { false } },
                "the pause is reported as a pause, not as a lost connection")

        runner.client.setPaused(false)
        #expect(eventually { runner.handler.payloads(onTopic: "meter/marker") == ["m"] })
        let values = runner.handler.payloads(onTopic: "meter/a").compactMap(Int.init)
        #expect(values == Array(0..<300), "the queue arrives complete, in order, once")
        #expect(runner.handler.sessionPresentFlags == [false, true], "the persistent session survived the pause")
        try runner.stop()
        publisher.disconnect()
    }

    @Test("a client paused before it ever connected does not connect until resumed, and stop() still returns")
    func pausedBeforeConnecting() throws {
        let broker = try MosquittoBroker()
        let options = testOptions(broker: broker, clientID: "ingest-pause-early", filters: [("meter/#", 1)])
        let runner = ClientRunner(options: options, startPaused: true)
        #expect(!eventually(timeoutSeconds: 1) { runner.client.isConnected }, "paused: no connection")
        runner.client.setPaused(false)
        #expect(eventually { runner.handler.subscribedCount == 1 })
        runner.client.setPaused(true)
        #expect(eventually { !runner.client.isConnected })
        try runner.stop()
    }
}
