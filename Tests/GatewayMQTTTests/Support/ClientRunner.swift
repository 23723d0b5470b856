import Foundation
import GatewayCore
import GatewayMQTT
import GatewayTestSupport
import Logging
import Synchronization

/// Runs an `MQTTIngestClient` on its own thread, as the daemon does, and joins it.
final class ClientRunner: Sendable {
    let client: MQTTIngestClient
    let handler: RecordingHandler
    private let finished = Completion()

    private final class Completion: Sendable {
        let result = Mutex<Result<Void, any Error>?>(nil)
    }

    init(
        options: MQTTClientOptions, handler: RecordingHandler = RecordingHandler(),
        heartbeat: @escaping @Sendable () -> Void = {}, startPaused: Bool = false
    ) {
        self.handler = handler
        var logger = Logger(label: "test.mqtt.ingest")
        logger.logLevel = ProcessInfo.processInfo.environment["MQTT_TEST_LOG"] == nil ? .critical : .debug
        client = MQTTIngestClient(options: options, handler: handler, logger: logger, heartbeat: heartbeat)
        if startPaused { client.setPaused(true) }
        let thread = Thread { [client, finished] in
            let result = Result { try client.run() }
            finished.result.withLock { $0 = result }
        }
        thread.name = "mqtt-ingest-test"
        thread.start()
    }

    var hasFinished: Bool { finished.result.withLock { $0 != nil } }

    /// Stops the client and waits for `run()` to return; rethrows what it threw.
    func stop(timeoutSeconds: Double = 30) throws {
        client.stop()
        guard eventually(timeoutSeconds: timeoutSeconds, { hasFinished }) else {
            throw TestSupportError("run() did not return within \(timeoutSeconds) s after stop()")
        }
        try finished.result.withLock { $0 }?.get()
    }

    deinit {
        client.stop()
    }
}

/// Options for a test client of `broker`.
func testOptions(
    broker: MosquittoBroker, clientID: String, filters: [(String, Int)], protocolVersion: MQTTProtocolVersion = .v5,
    session: SessionMode = .persistent, statusTopic: String? = nil
) -> MQTTClientOptions {
    let settings = BrokerSettings(
        url: BrokerURL(host: "127.0.0.1", port: broker.port, usesTLS: false), protocolVersion: protocolVersion,
        clientID: clientID, keepaliveSeconds: 30, session: session, sessionExpirySeconds: 3600,
        reconnect: ReconnectBackoff(initialSeconds: 0.05, maxSeconds: 0.5))
    return MQTTClientOptions(
        broker: settings, password: nil, subscriptions: filters.map { MQTTSubscription(filter: $0.0, qos: $0.1) },
        statusTopic: statusTopic)
}

/// A publisher connected to `broker`.
func testPublisher(
    _ broker: MosquittoBroker, clientID: String = "test-publisher-\(UUID().uuidString.prefix(6))",
    maxInFlight: Int = 50, onAcknowledged: (@Sendable (Int32) -> Void)? = nil
) throws -> MQTTPublisher {
    var options = MQTTPublisherOptions(url: BrokerURL(host: "127.0.0.1", port: broker.port, usesTLS: false), clientID: clientID)
    options.maxInFlight = maxInFlight
    return try MQTTPublisher(options: options, onAcknowledged: onAcknowledged)
}

extension Array where Element == UInt8 {
    static func text(_ string: String) -> [UInt8] { Array(string.utf8) }
}
