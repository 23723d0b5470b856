import Foundation
import GatewayCore
import GatewayMQTT
import GatewayTestSupport
import Logging

/// The "central platform" side of the uplink tests: a persistent-session QoS 1 subscriber on the
/// central broker that records every message in arrival order and decodes the uplink's JSON.
///
/// Persistent session: while the subscriber is disconnected (the central broker restarting), the
/// broker queues for it, so the list is what central received, not what one connection saw.
final class CentralSubscriber: Sendable {
    /// One forwarded reading as central received it.
    struct ForwardedReading: Hashable {
        let gateway: String
        let generation: String
        let seq: Int64
        let device: String
        let value: Double
        let ts: String
    }

    /// One received message, decoded.
    enum Message {
        case readings([ForwardedReading])
        case event(stream: String, seq: Int64, json: [String: Any])
        case status(String)
        case other(String)
    }

    private final class Recorder: MQTTBatchHandler {
        let messages = LockedBox<[InboundMessage]>([])
        let subscribed = LockedBox(false)

        func handle(_ batch: [InboundMessage]) throws { messages.withLock { $0 += batch } }

        func connectionChanged(_ event: MQTTConnectionEvent) {
            if case .subscribed = event { subscribed.withLock { $0 = true } }
        }
    }

    private let recorder = Recorder()
    let client: MQTTIngestClient
    let prefix: String

    init(broker: MosquittoBroker, prefix: String) throws {
        self.prefix = prefix
        let settings = BrokerSettings(
            url: BrokerURL(host: "127.0.0.1", port: broker.port, usesTLS: false), protocolVersion: .v5,
            clientID: "central-\(UUID().uuidString.prefix(8))", keepaliveSeconds: 30, session: .persistent,
            sessionExpirySeconds: 3600, reconnect: ReconnectBackoff(initialSeconds: 0.05, maxSeconds: 0.5))
        let options = MQTTClientOptions(
            broker: settings, password: nil, subscriptions: [MQTTSubscription(filter: "\(prefix)/#", qos: 1)],
            statusTopic: nil)
        var logger = Logger(label: "test.central")
        logger.logLevel = .critical
        client = MQTTIngestClient(options: options, handler: recorder, logger: logger)
        let thread = Thread { [client] in try? client.run() }
        thread.name = "central-subscriber"
        thread.start()
        guard eventually(timeoutSeconds: 30, { self.recorder.subscribed.withLock { $0 } }) else {
            throw TestSupportError("the central subscriber did not subscribe")
        }
    }

    /// Every message so far, decoded, in arrival order.
    var messages: [Message] {
        recorder.messages.withLock { $0 }.map { message in
            let text = String(decoding: message.payload, as: UTF8.self)
            let json = (try? JSONSerialization.jsonObject(with: Data(message.payload))) as? [String: Any] ?? [:]
            switch message.topic {
            case "\(prefix)/readings":
                let items = json["readings"] as? [[String: Any]] ?? []
                return .readings(items.map { item in
                    ForwardedReading(
                        gateway: json["gateway"] as? String ?? "", generation: json["generation"] as? String ?? "",
                        seq: (item["seq"] as? NSNumber)?.int64Value ?? -1, device: item["device"] as? String ?? "",
                        value: (item["value"] as? NSNumber)?.doubleValue ?? .nan, ts: item["ts"] as? String ?? "")
                })
            case "\(prefix)/events":
                return .event(stream: json["stream"] as? String ?? "", seq: (json["seq"] as? NSNumber)?.int64Value ?? -1, json: json)
            case "\(prefix)/status":
                return .status(json["state"] as? String ?? text)
            default:
                return .other(message.topic)
            }
        }
    }

    /// Every forwarded reading so far, duplicates included, in arrival order.
    var readings: [ForwardedReading] {
        messages.flatMap { message -> [ForwardedReading] in
            if case .readings(let readings) = message { return readings }
            return []
        }
    }

    /// The distinct test values received (the feed publishes message i with value i).
    var values: Set<Int> { Set(readings.map { Int($0.value) }) }

    func stop() {
        client.stop()
    }

    deinit {
        client.stop()
    }
}

extension GatewayHarness {
    /// An `uplink:` section for a central broker on loopback; small batches so that a test's
    /// few thousand readings make many messages.
    static func uplinkSection(central: MosquittoBroker, prefix: String = "central/e2e") -> String {
        """
        uplink:
          url: \(central.url)
          protocol: "5"
          topic_prefix: \(prefix)
          batch: { max_readings: 100, max_bytes: 64KiB, max_delay: 100ms }
          reconnect: { initial: 100ms, max: 1s }
        """
    }
}

extension GatewayHarness {
    /// The `uplink` object of `GET /api/v1/status` (through curl, as an operator would), or nil.
    func uplinkStatus() -> [String: Any]? { statusJSON()?["uplink"] as? [String: Any] }

    /// `GET /api/v1/status` (through curl, as an operator would), or nil.
    func statusJSON() -> [String: Any]? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        process.arguments = ["-s", "--max-time", "10", "\(apiURL)/api/v1/status"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return nil }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
    }
}
