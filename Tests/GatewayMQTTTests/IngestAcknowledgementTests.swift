import GatewayCore
import GatewayMQTT
import GatewayTestSupport
import Testing

@Suite("Ingest client: acknowledge after commit", .timeLimit(.minutes(3)))
struct IngestAcknowledgementTests {
    @Test("a batch whose handler throws is redelivered after the reconnect, then acknowledged once", arguments: MQTTProtocolVersion.allCases)
    func failedBatchIsRedelivered(protocolVersion: MQTTProtocolVersion) throws {
        let broker = try MosquittoBroker()
        let options = testOptions(
            broker: broker, clientID: "ingest-redeliver-\(protocolVersion.rawValue)", filters: [("meter/#", 1)],
            protocolVersion: protocolVersion)
        let runner = ClientRunner(options: options)
        #expect(eventually { runner.handler.subscribedCount == 1 })
        runner.handler.failNext(1) { batch in batch.contains { $0.topic == "meter/a" } }

        let publisher = try testPublisher(broker)
        try publisher.publish(topic: "meter/a", payload: .text("reading-1"), qos: 1)
        #expect(eventually { runner.handler.payloads(onTopic: "meter/a") == ["reading-1"] })
        #expect(runner.handler.failedBatches.flatMap { $0 }.map(\.topic) == ["meter/a"])
        #expect(runner.client.reconnects == 1)
        // The session survived the dropped connection.
        #expect(runner.handler.sessionPresentFlags == [false, true])
        try runner.stop()

        // The accepted delivery was acknowledged: a new run of the same session gets only what is new.
        let next = ClientRunner(options: options)
        #expect(eventually { next.handler.subscribedCount == 1 })
        try publisher.publish(topic: "meter/marker", payload: .text("marker"), qos: 1)
        #expect(eventually { next.handler.payloads(onTopic: "meter/marker") == ["marker"] })
        try next.stop()
        #expect(next.handler.payloads(onTopic: "meter/a").isEmpty)
        publisher.disconnect()
    }

    @Test("messages of the last batch before stop() are acknowledged, none are redelivered")
    func stopAcknowledgesLastBatch() throws {
        let broker = try MosquittoBroker()
        let options = testOptions(broker: broker, clientID: "ingest-stop-acks", filters: [("flow/#", 1)])
        let runner = ClientRunner(options: options)
        #expect(eventually { runner.handler.subscribedCount == 1 })
        let publisher = try testPublisher(broker)
        for i in 0..<200 {
            try publisher.publish(topic: "flow/\(i)", payload: .text("\(i)"), qos: 1)
        }
        #expect(eventually { runner.handler.messages.count == 200 })
        try runner.stop()

        let next = ClientRunner(options: options)
        #expect(eventually { next.handler.subscribedCount == 1 })
        try publisher.publish(topic: "flow/marker", payload: .text("marker"), qos: 1)
        #expect(eventually { next.handler.payloads(onTopic: "flow/marker") == ["marker"] })
        try next.stop()
        #expect(next.handler.messages.map(\.topic) == ["flow/marker"])
        publisher.disconnect()
    }
}
