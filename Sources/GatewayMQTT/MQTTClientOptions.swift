import CMosquitto
import GatewayCore

/// One topic filter the ingest client subscribes to, with the QoS it asks for.
///
/// Filters may be MQTT 5 shared subscriptions (`$share/<group>/<filter>`), which split one feed across
/// several gateway instances (DESIGN §5); those need `MQTTProtocolVersion.v5`.
public struct MQTTSubscription: Sendable, Hashable {
    public var filter: String
    /// 0, 1 or 2. Prefer 1: libmosquitto 2.0 holds a QoS 2 payload in memory until PUBREL, which is not
    /// crash-safe for us (DESIGN §2).
    public var qos: Int

    public init(filter: String, qos: Int = 1) {
        self.filter = filter
        self.qos = qos
    }

    /// Whether this is an MQTT 5 shared subscription.
    public var isShared: Bool { filter.hasPrefix("$share/") }
}

/// Everything the ingest client needs to connect, subscribe and announce itself.
///
/// Built from the configuration's `BrokerSettings` plus what the configuration does not hold directly: the
/// password (read from `passwordFile` by the caller, so this target never touches the file system for
/// secrets), the subscriptions the routes need, and the status topic. The password is redacted from every
/// textual representation of this value.
public struct MQTTClientOptions: Sendable {
    public var broker: BrokerSettings
    /// Already read from `broker.passwordFile` by the caller. Never logged.
    public var password: String?
    public var subscriptions: [MQTTSubscription]
    /// When set: retained `online` (QoS 1) after every successful connect, a retained `offline` last will
    /// (QoS 1), and a retained `offline` published before a graceful disconnect.
    public var statusTopic: String?
    /// Upper bound of messages read before the batch is handed over (one commit, then one write of all
    /// their PUBACKs).
    public var maxBatchMessages: Int = 1000
    /// MQTT 5 Receive Maximum sent on CONNECT: how many unacknowledged QoS 1/2 messages the broker may
    /// have in flight to us. `nil` means twice `maxBatchMessages` (capped at 65,535), so that the broker
    /// keeps sending while a batch commits. With MQTT 3.1.1 the broker's `max_inflight_messages` decides
    /// instead (mosquitto's default of 20 caps every batch at 20 messages).
    public var receiveMaximum: Int?
    /// Payloads published on `statusTopic`.
    public var onlinePayload: String = "online"
    public var offlinePayload: String = "offline"
    /// How long `stop()` waits for the broker to acknowledge the retained `offline` and for the DISCONNECT
    /// to be written before closing the socket anyway.
    public var gracefulStopTimeoutSeconds: Double = 5
    /// How long to wait for the broker's CONNACK before giving the connection up and backing off
    /// (keepalive does not cover this wait; with `keepalive 0` nothing else would).
    public var connackTimeoutSeconds: Double = 30

    public init(broker: BrokerSettings, password: String?, subscriptions: [MQTTSubscription], statusTopic: String?) {
        self.broker = broker
        self.password = password
        self.subscriptions = subscriptions
        self.statusTopic = statusTopic
    }

    /// The Receive Maximum actually sent (1...65,535).
    var effectiveReceiveMaximum: Int {
        let wanted = receiveMaximum ?? maxBatchMessages.multipliedReportingOverflow(by: 2).partialValue
        return min(max(wanted, 1), 65_535)
    }

    /// Every problem with these options at once, each naming the option and what was expected.
    public func problems() -> [String] {
        MosquittoLibrary.ensureInitialisedIgnoringErrors()
        var problems: [String] = []
        let b = broker
        if b.clientID.isEmpty && b.session == .persistent {
            problems.append("broker.client_id must not be empty for a persistent session (the broker keys the session by it)")
        }
        if b.clientID.utf8.count > 65_535 {
            problems.append("broker.client_id must be at most 65535 bytes, got \(b.clientID.utf8.count)")
        }
        if !(b.keepaliveSeconds == 0 || (5...65_535).contains(b.keepaliveSeconds)) {
            problems.append("broker.keepalive must be 0 (off) or 5...65535 seconds, got \(b.keepaliveSeconds)")
        }
        if b.sessionExpirySeconds < 0 || b.sessionExpirySeconds > Int(UInt32.max) {
            problems.append("broker.session_expiry must be 0...\(UInt32.max) seconds, got \(b.sessionExpirySeconds)")
        }
        if !(b.port1to65535) {
            problems.append("broker.url port must be 1...65535, got \(b.url.port)")
        }
        if !(b.reconnect.initialSeconds > 0) || !b.reconnect.initialSeconds.isFinite {
            problems.append("broker.reconnect initial delay must be a positive duration, got \(b.reconnect.initialSeconds) s")
        }
        if !(b.reconnect.maxSeconds >= b.reconnect.initialSeconds) || !b.reconnect.maxSeconds.isFinite {
            problems.append("broker.reconnect max delay must be at least the initial delay, got \(b.reconnect.maxSeconds) s")
        }
        for subscription in subscriptions {
            if !(0...2).contains(subscription.qos) {
                problems.append("subscription \(subscription.filter): qos must be 0, 1 or 2, got \(subscription.qos)")
            }
            if subscription.filter.isEmpty || mosquitto_sub_topic_check(subscription.filter) != 0 {
                problems.append("subscription \(subscription.filter): not a valid MQTT topic filter ('+' and '#' must fill a whole level, '#' only last)")
            }
            if subscription.isShared && b.protocolVersion != .v5 {
                problems.append("subscription \(subscription.filter): shared subscriptions ($share/<group>/<filter>) need broker.protocol 5, got \(b.protocolVersion.rawValue)")
            }
        }
        if let topic = statusTopic, topic.isEmpty || mosquitto_pub_topic_check(topic) != 0 {
            problems.append("status topic \(topic): must be a topic name without '+' or '#'")
        }
        if maxBatchMessages < 1 {
            problems.append("max batch messages must be at least 1, got \(maxBatchMessages)")
        }
        if let r = receiveMaximum, !(1...65_535).contains(r) {
            problems.append("receive maximum must be 1...65535, got \(r)")
        }
        if !(connackTimeoutSeconds > 0) || !connackTimeoutSeconds.isFinite {
            problems.append("CONNACK timeout must be a positive duration, got \(connackTimeoutSeconds) s")
        }
        if !(gracefulStopTimeoutSeconds >= 0) {
            problems.append("graceful stop timeout must not be negative, got \(gracefulStopTimeoutSeconds) s")
        }
        return problems
    }

    /// Throws one `MQTTError` (kind `.invalidOptions`) listing every problem, or returns.
    public func validate() throws {
        let found = problems()
        if !found.isEmpty { throw MQTTError.invalidOptions(found.joined(separator: "; ")) }
    }
}

extension MQTTClientOptions: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String {
        "MQTTClientOptions(broker: \(broker.url), client_id: \(broker.clientID), protocol: \(broker.protocolVersion.rawValue), "
            + "session: \(broker.session.rawValue), password: \(password == nil ? "none" : "<redacted>"), "
            + "subscriptions: \(subscriptions.map { "\($0.filter)@\($0.qos)" }), status_topic: \(statusTopic ?? "none"), "
            + "max_batch_messages: \(maxBatchMessages))"
    }

    public var debugDescription: String { description }

    public var customMirror: Mirror {
        Mirror(self, children: ["description": description], displayStyle: .struct)
    }
}

extension BrokerSettings {
    fileprivate var port1to65535: Bool { (1...65_535).contains(url.port) }
}

extension MosquittoLibrary {
    /// Topic checks need the library initialised; an initialisation failure surfaces again at `run()`.
    static func ensureInitialisedIgnoringErrors() {
        _ = try? ensureInitialised()
    }
}
