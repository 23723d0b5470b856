/// `uplink:` — store-and-forward to the utility's central MQTT broker (issue 6).
///
/// The forwarder publishes what the store holds — readings in batches, alert and ticket events one per
/// message — and moves its cursor only when the central broker has acknowledged a message, so the
/// settings describe a second, publishing connection, independent of `broker:`.
public struct UplinkSettings: Sendable, Hashable {
    public var url: BrokerURL
    public var protocolVersion: MQTTProtocolVersion
    /// Default `utility-gateway-<id>-uplink`: distinct from the ingest client's id, because a broker
    /// keeps one session per client id and would kick one of two clients sharing it.
    public var clientID: String
    public var username: String?
    /// Read at start-up, never written inline in the configuration.
    public var passwordFile: String?
    public var tls: TLSFiles?
    /// Topics `<prefix>/readings`, `<prefix>/events` and `<prefix>/status`.
    public var topicPrefix: String
    public var batch: UplinkBatch
    /// 1 (the default) or 2. QoS 0 is refused: "forwarded" means "acknowledged", which QoS 0 never is.
    public var qos: Int
    public var keepaliveSeconds: Int
    public var reconnect: ReconnectBackoff

    public init(
        url: BrokerURL, protocolVersion: MQTTProtocolVersion = .v5, clientID: String, username: String? = nil,
        passwordFile: String? = nil, tls: TLSFiles? = nil, topicPrefix: String, batch: UplinkBatch = .init(),
        qos: Int = 1, keepaliveSeconds: Int = 30, reconnect: ReconnectBackoff = .init()
    ) {
        self.url = url
        self.protocolVersion = protocolVersion
        self.clientID = clientID
        self.username = username
        self.passwordFile = passwordFile
        self.tls = tls
        self.topicPrefix = topicPrefix
        self.batch = batch
        self.qos = qos
        self.keepaliveSeconds = keepaliveSeconds
        self.reconnect = reconnect
    }

    public var readingsTopic: String { topicPrefix + "/readings" }
    public var eventsTopic: String { topicPrefix + "/events" }
    public var statusTopic: String { topicPrefix + "/status" }
}

/// `uplink.batch:` — when a batch of readings is published: whichever limit is reached first.
public struct UplinkBatch: Sendable, Hashable {
    public var maxReadings: Int
    /// Bound on one message's JSON payload (central brokers cap message sizes; mosquitto's
    /// `message_size_limit`, AWS IoT 128 KiB).
    public var maxBytes: Int
    /// How long a partial batch may wait for more readings before it is sent anyway.
    public var maxDelaySeconds: Double

    public init(maxReadings: Int = 500, maxBytes: Int = 256 * 1024, maxDelaySeconds: Double = 1) {
        self.maxReadings = maxReadings
        self.maxBytes = maxBytes
        self.maxDelaySeconds = maxDelaySeconds
    }
}
