import GatewayCore
import GatewayMQTT
import GatewayTestSupport
import Testing

@Suite("Ingest client over TLS", .timeLimit(.minutes(3)))
struct IngestTLSTests {
    @Test("mqtts:// with a CA file: messages arrive in batches and are acknowledged", arguments: MQTTProtocolVersion.allCases)
    func tlsBatches(protocolVersion: MQTTProtocolVersion) throws {
        let certificates = try TemporaryDirectory(prefix: "tls")
        let tls = try TestCertificates(in: certificates)
        var configuration = MosquittoBroker.Configuration()
        configuration.extraLines = tls.brokerLines
        let broker = try MosquittoBroker(configuration: configuration)
        let url = BrokerURL(host: "127.0.0.1", port: broker.port, usesTLS: true)

        var options = testOptions(broker: broker, clientID: "tls-ingest", filters: [("secure/#", 1)], protocolVersion: protocolVersion)
        options.broker.url = url
        options.broker.tls = TLSFiles(caFile: tls.caFile.path)
        let first = ClientRunner(options: options)
        #expect(eventually { first.handler.subscribedCount == 1 })
        try first.stop()

        var publisherOptions = MQTTPublisherOptions(url: url, clientID: "tls-publisher")
        publisherOptions.tls = TLSFiles(caFile: tls.caFile.path)
        let publisher = try MQTTPublisher(options: publisherOptions)
        for i in 0..<500 {
            try publisher.publish(topic: "secure/\(i % 5)", payload: .text("s\(i)"), qos: 1)
        }
        #expect(publisher.waitForAcknowledgements(timeoutSeconds: 60))

        // The backlog arrives through TLS records holding many packets: SSL_pending must be honoured.
        let second = ClientRunner(options: options)
        #expect(eventually { second.handler.messages.count >= 500 })
        try publisher.publish(topic: "secure/live", payload: .text("live"), qos: 1)
        #expect(eventually { second.handler.payloads(onTopic: "secure/live") == ["live"] })
        try second.stop()
        publisher.disconnect()
        #expect(Set(second.handler.messages.map { String(decoding: $0.payload, as: UTF8.self) })
            == Set((0..<500).map { "s\($0)" } + ["live"]))
        #expect(second.handler.sessionPresentFlags == [true])
    }
}
