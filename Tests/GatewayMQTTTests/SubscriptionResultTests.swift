import GatewayCore
import Logging
import Testing

@testable import GatewayMQTT

@Suite("Subscription results")
struct SubscriptionResultTests {
    /// mosquitto 2.0.11 grants every subscription (its ACLs act at delivery), so a refusal cannot be
    /// provoked from a real broker here; this drives the SUBACK handling directly.
    @Test("SUBACK codes map to one event per filter, 0x80 and above as refusals")
    func subackMapping() throws {
        let handler = RecordingHandler()
        let options = MQTTClientOptions(
            broker: BrokerSettings(url: BrokerURL(host: "127.0.0.1", port: 1883, usesTLS: false), clientID: "suback"),
            password: nil, subscriptions: [MQTTSubscription(filter: "a/#"), MQTTSubscription(filter: "$share/g/b/#")],
            statusTopic: nil)
        let connection = try IngestConnection(options: options, handler: handler, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }), clock: SystemWallClock())
        defer { connection.close() }
        connection.subscriptionsInFlight[7] = ["a/#", "$share/g/b/#"]
        connection.didSubscribe(mid: 7, granted: [1, 0x9E])
        connection.didSubscribe(mid: 8, granted: [0])  // unknown message id: ignored
        #expect(handler.events == [
            .subscribed(filter: "a/#", grantedQoS: 1), .subscriptionRefused(filter: "$share/g/b/#", reasonCode: 0x9E),
        ])
    }
}

@Suite("TLS buffer visibility")
struct TLSBufferTests {
    @Test("OpenSSL's SSL_pending is found, so TLS batches see bytes that poll(2) cannot")
    func sslPendingResolved() throws {
        try MosquittoLibrary.ensureInitialised()
        #expect(SocketPolling.canSeeTLSBuffer)
    }
}
