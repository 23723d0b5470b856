import GatewayCore

/// Connection settings of an `MQTTPublisher`.
///
/// The publisher is for the simulator and tests, so it takes plain values rather than the gateway's
/// `BrokerSettings`.
public struct MQTTPublisherOptions: Sendable {
    public var url: BrokerURL
    public var protocolVersion: MQTTProtocolVersion
    public var clientID: String
    public var cleanSession: Bool
    public var username: String?
    /// Never logged.
    public var password: String?
    public var tls: TLSFiles?
    /// QoS ≥ 1 messages allowed to await their PUBACK before `publish` blocks. DESIGN §3: 20–100 in flight
    /// is fast; an unbounded window collapsed to ~1.2k msg/s.
    public var maxInFlight: Int = 50
    /// How long `publish` may block waiting for room in the window before it throws a timeout.
    public var inFlightWaitTimeoutSeconds: Double = 60
    /// libmosquitto's reconnect delay bounds (whole seconds; its library thread reconnects by itself).
    public var reconnectDelaySeconds: UInt32 = 1
    public var reconnectDelayMaxSeconds: UInt32 = 5
    /// A last will: what the broker publishes for us when the connection ends without DISCONNECT
    /// (a crash, a cut link, a missed keepalive).
    public var will: MQTTWill?
    /// MQTT keepalive in seconds; also bounds how long a dead link goes unnoticed.
    public var keepaliveSeconds: Int = 30

    public init(
        url: BrokerURL, clientID: String, protocolVersion: MQTTProtocolVersion = .v5, cleanSession: Bool = true,
        username: String? = nil, password: String? = nil, tls: TLSFiles? = nil
    ) {
        self.url = url
        self.clientID = clientID
        self.protocolVersion = protocolVersion
        self.cleanSession = cleanSession
        self.username = username
        self.password = password
        self.tls = tls
    }
}

/// A message the broker publishes on the client's behalf when the client vanishes.
public struct MQTTWill: Sendable, Hashable {
    public var topic: String
    public var payload: [UInt8]
    public var qos: Int
    public var retain: Bool

    public init(topic: String, payload: [UInt8], qos: Int = 1, retain: Bool = true) {
        self.topic = topic
        self.payload = payload
        self.qos = qos
        self.retain = retain
    }
}
