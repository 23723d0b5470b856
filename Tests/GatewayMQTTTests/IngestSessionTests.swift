import GatewayCore
import GatewayMQTT
import GatewayTestSupport
import Testing

@Suite("Ingest client: session present", .timeLimit(.minutes(3)))
struct IngestSessionTests {
    @Test("false on the first connect, true when the same persistent client comes back", arguments: MQTTProtocolVersion.allCases)
    func acrossClientRestarts(protocolVersion: MQTTProtocolVersion) throws {
        let broker = try MosquittoBroker()
        let options = testOptions(broker: broker, clientID: "session-\(protocolVersion.rawValue)", filters: [("s/#", 1)], protocolVersion: protocolVersion)
        let first = ClientRunner(options: options)
        #expect(eventually { first.handler.sessionPresentFlags.count == 1 })
        try first.stop()
        let second = ClientRunner(options: options)
        #expect(eventually { second.handler.sessionPresentFlags.count == 1 })
        try second.stop()
        #expect(first.handler.sessionPresentFlags == [false])
        #expect(second.handler.sessionPresentFlags == [true])
    }

    @Test("a running client keeps its session through two broker restarts (the expiry is sent on every CONNECT)", arguments: MQTTProtocolVersion.allCases)
    func acrossBrokerRestarts(protocolVersion: MQTTProtocolVersion) throws {
        let broker = try MosquittoBroker()
        let runner = ClientRunner(options: testOptions(
            broker: broker, clientID: "session-restarts-\(protocolVersion.rawValue)", filters: [("s/#", 1)], protocolVersion: protocolVersion))
        #expect(eventually { runner.handler.sessionPresentFlags.count == 1 })
        try broker.restart()
        #expect(eventually { runner.handler.sessionPresentFlags.count == 2 })
        try broker.restart()
        #expect(eventually { runner.handler.sessionPresentFlags.count == 3 })
        try runner.stop()
        #expect(runner.handler.sessionPresentFlags == [false, true, true])
    }

    @Test("false again after the broker lost the session")
    func brokerWithoutPersistence() throws {
        var configuration = MosquittoBroker.Configuration()
        configuration.persistence = false
        let broker = try MosquittoBroker(configuration: configuration)
        let runner = ClientRunner(options: testOptions(broker: broker, clientID: "session-lost", filters: [("s/#", 1)]))
        #expect(eventually { runner.handler.sessionPresentFlags.count == 1 })
        try broker.restart()
        #expect(eventually { runner.handler.sessionPresentFlags.count == 2 })
        try runner.stop()
        #expect(runner.handler.sessionPresentFlags == [false, false])
    }

    @Test("never present with a clean session")
    func cleanSession() throws {
        let broker = try MosquittoBroker()
        let options = testOptions(broker: broker, clientID: "session-clean", filters: [("s/#", 1)], session: .clean)
        for _ in 0..<2 {
            let runner = ClientRunner(options: options)
            #expect(eventually { runner.handler.sessionPresentFlags.count == 1 })
            try runner.stop()
            #expect(runner.handler.sessionPresentFlags == [false])
        }
    }
}
