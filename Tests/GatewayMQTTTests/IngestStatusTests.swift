import GatewayCore
import GatewayMQTT
import GatewayTestSupport
import Testing

@Suite("Ingest client: status topic and stop", .timeLimit(.minutes(3)))
struct IngestStatusTests {
    @Test("retained online after connect, retained offline after stop()")
    func retainedStatus() throws {
        let broker = try MosquittoBroker()
        let observer = ClientRunner(options: testOptions(
            broker: broker, clientID: "status-observer", filters: [("gw/+/status", 1)], session: .clean))
        #expect(eventually { observer.handler.subscribedCount == 1 })

        let gateway = ClientRunner(options: testOptions(
            broker: broker, clientID: "gw-1", filters: [("data/#", 1)], statusTopic: "gw/1/status"))
        #expect(eventually { observer.handler.payloads(onTopic: "gw/1/status").last == "online" })
        try gateway.stop()
        #expect(eventually { observer.handler.payloads(onTopic: "gw/1/status").last == "offline" })
        try observer.stop()

        // A newcomer is told by the retained message.
        let late = ClientRunner(options: testOptions(
            broker: broker, clientID: "status-late", filters: [("gw/1/status", 1)], session: .clean))
        #expect(eventually { !late.handler.messages.isEmpty })
        try late.stop()
        let retained = try #require(late.handler.messages.first)
        #expect(String(decoding: retained.payload, as: UTF8.self) == "offline")
        #expect(retained.retain)
    }

    @Test("the last will announces offline when the connection drops without a goodbye")
    func lastWill() throws {
        let broker = try MosquittoBroker()
        let observer = ClientRunner(options: testOptions(
            broker: broker, clientID: "will-observer", filters: [("gw/+/status", 1)], session: .clean))
        #expect(eventually { observer.handler.subscribedCount == 1 })
        let gateway = ClientRunner(options: testOptions(
            broker: broker, clientID: "gw-will", filters: [("data/#", 1)], statusTopic: "gw/will/status"))
        #expect(eventually { observer.handler.payloads(onTopic: "gw/will/status") == ["online"] })
        // A failing batch makes the client drop the connection unacknowledged: the broker sends the will,
        // and the reconnect announces online again.
        gateway.handler.failNext(1)
        let publisher = try testPublisher(broker)
        try publisher.publish(topic: "data/x", payload: .text("x"), qos: 1)
        #expect(eventually {
            let statuses = observer.handler.payloads(onTopic: "gw/will/status")
            return statuses.count >= 3 && statuses.last == "online"
        })
        let statuses = observer.handler.payloads(onTopic: "gw/will/status")
        #expect(statuses.first == "online")
        #expect(statuses.dropFirst().dropLast().contains("offline"))
        #expect(gateway.handler.payloads(onTopic: "data/x") == ["x"])
        try gateway.stop()
        try observer.stop()
        publisher.disconnect()
    }

    @Test("stop() while the broker is unreachable returns promptly; run() keeps retrying until then")
    func stopWhileBrokerDown() throws {
        let broker = try MosquittoBroker()
        broker.stop()
        let runner = ClientRunner(options: testOptions(broker: broker, clientID: "stop-while-down", filters: [("x/#", 1)]))
        // The gateway must survive booting before its broker: start the broker late, and it connects.
        try broker.start()
        #expect(eventually { runner.client.isConnected })
        broker.stop()
        #expect(eventually { !runner.client.isConnected })
        try runner.stop()
        #expect(runner.hasFinished)
    }
}
