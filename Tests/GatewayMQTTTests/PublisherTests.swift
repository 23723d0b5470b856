import GatewayCore
import GatewayMQTT
import GatewayTestSupport
import Synchronization
import Testing

@Suite("Publisher", .timeLimit(.minutes(3)))
struct PublisherTests {
    @Test("the in-flight window is respected and every acknowledgement arrives")
    func inFlightWindow() throws {
        let broker = try MosquittoBroker()
        let subscriber = ClientRunner(options: testOptions(broker: broker, clientID: "pub-window-sub", filters: [("w/#", 1)]))
        #expect(eventually { subscriber.handler.subscribedCount == 1 })

        let acknowledged = Mutex<Set<Int32>>([])
        let publisher = try testPublisher(broker, maxInFlight: 10) { mid in
            acknowledged.withLock { _ = $0.insert(mid) }
        }
        var mids: Set<Int32> = []
        for i in 0..<1000 {
            mids.insert(try publisher.publish(topic: "w/\(i % 10)", payload: .text("\(i)"), qos: 1))
        }
        #expect(publisher.waitForAcknowledgements(timeoutSeconds: 60))
        #expect(publisher.acknowledgedCount == 1000)
        #expect(publisher.inFlightCount == 0)
        #expect(publisher.peakInFlight <= 10)
        #expect(publisher.peakInFlight >= 1)
        #expect(acknowledged.withLock { $0 } == mids)
        #expect(eventually { subscriber.handler.messages.count == 1000 })
        publisher.disconnect()
        try subscriber.stop()
    }

    @Test("a publisher keeps sending through a broker restart; nothing acknowledged is lost")
    func throughBrokerRestart() throws {
        let broker = try MosquittoBroker()
        let subscriber = ClientRunner(options: testOptions(broker: broker, clientID: "pub-restart-sub", filters: [("r/#", 1)]))
        #expect(eventually { subscriber.handler.subscribedCount == 1 })
        let publisher = try testPublisher(broker, maxInFlight: 20)
        for i in 0..<200 {
            try publisher.publish(topic: "r/x", payload: .text("\(i)"), qos: 1)
        }
        try broker.restart()
        for i in 200..<400 {
            try publisher.publish(topic: "r/x", payload: .text("\(i)"), qos: 1)
        }
        #expect(publisher.waitForAcknowledgements(timeoutSeconds: 60))
        #expect(eventually { Set(subscriber.handler.payloads(onTopic: "r/x")).count == 400 })
        #expect(Set(subscriber.handler.payloads(onTopic: "r/x")) == Set((0..<400).map { "\($0)" }))
        publisher.disconnect()
        try subscriber.stop()
    }

    @Test("publishing after disconnect() throws instead of blocking")
    func publishAfterDisconnect() throws {
        let broker = try MosquittoBroker()
        let publisher = try testPublisher(broker)
        publisher.disconnect()
        #expect(throws: MQTTError.self) { try publisher.publish(topic: "x", payload: [1], qos: 1) }
    }
}
