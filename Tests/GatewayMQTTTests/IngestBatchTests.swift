import GatewayCore
import GatewayMQTT
import GatewayTestSupport
import Testing

@Suite("Ingest client: batches", .timeLimit(.minutes(3)))
struct IngestBatchTests {
    @Test("queued and live messages arrive in batches with the right topic, payload and QoS", arguments: MQTTProtocolVersion.allCases)
    func batchesCarryMessages(protocolVersion: MQTTProtocolVersion) throws {
        let broker = try MosquittoBroker()
        var options = testOptions(
            broker: broker, clientID: "ingest-batches", filters: [("sensors/#", 1), ("raw/#", 0)],
            protocolVersion: protocolVersion)
        options.maxBatchMessages = 50

        // First run creates the persistent session; then messages queue up while the gateway is away.
        let first = ClientRunner(options: options)
        #expect(eventually { first.handler.subscribedCount == 2 })
        try first.stop()
        let publisher = try testPublisher(broker)
        for i in 0..<300 {
            try publisher.publish(topic: "sensors/\(i % 7)", payload: .text("m\(i)"), qos: 1)
        }
        #expect(publisher.waitForAcknowledgements(timeoutSeconds: 30))

        let second = ClientRunner(options: options)
        #expect(eventually { second.handler.messages.count >= 300 })
        #expect(eventually { second.handler.subscribedCount == 2 })
        for i in 0..<20 {
            try publisher.publish(topic: "raw/x", payload: .text("r\(i)"), qos: 0)
        }
        #expect(eventually { second.handler.payloads(onTopic: "raw/x").count == 20 })
        try second.stop()
        publisher.disconnect()

        let handler = second.handler
        let sensors = handler.messages.filter { $0.topic.hasPrefix("sensors/") }
        #expect(Set(sensors.map { String(decoding: $0.payload, as: UTF8.self) }) == Set((0..<300).map { "m\($0)" }))
        for message in sensors {
            let index = Int(String(decoding: message.payload.dropFirst(), as: UTF8.self)) ?? -1
            #expect(message.topic == "sensors/\(index % 7)")
            #expect(message.qos == 1)
            #expect(!message.retain)
            #expect(message.receivedAt > 0)
        }
        #expect(handler.payloads(onTopic: "raw/x") == (0..<20).map { "r\($0)" })
        #expect(handler.messages.filter { $0.topic == "raw/x" }.allSatisfy { $0.qos == 0 })
        #expect(handler.batches.allSatisfy { !$0.isEmpty && $0.count <= 50 })
        // The replayed backlog came in groups, not one message per hand-over.
        #expect(handler.batches.count < handler.messages.count)
        #expect(handler.events.contains(.subscribed(filter: "sensors/#", grantedQoS: 1)))
        #expect(handler.events.contains(.subscribed(filter: "raw/#", grantedQoS: 0)))
        #expect(second.client.messagesReceived == handler.messages.count)
    }

    @Test("resubscribes after the broker restarts, so publishes after the restart still arrive")
    func resubscribesAfterBrokerRestart() throws {
        var configuration = MosquittoBroker.Configuration()
        configuration.persistence = false  // the restarted broker knows nothing of our subscriptions
        let broker = try MosquittoBroker(configuration: configuration)
        let runner = ClientRunner(options: testOptions(
            broker: broker, clientID: "ingest-resubscribe", filters: [("plant/#", 1)], session: .clean))
        #expect(eventually { runner.handler.subscribedCount == 1 })
        try broker.restart()
        #expect(eventually { runner.handler.subscribedCount == 2 })
        #expect(runner.client.reconnects == 1)
        let publisher = try testPublisher(broker)
        try publisher.publish(topic: "plant/after", payload: .text("after-restart"), qos: 1)
        #expect(eventually { runner.handler.payloads(onTopic: "plant/after") == ["after-restart"] })
        try runner.stop()
        #expect(runner.handler.events.contains { if case .disconnected = $0 { true } else { false } })
        #expect(runner.handler.sessionPresentFlags == [false, false])
    }
}
