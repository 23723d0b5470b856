import GatewayCore

/// `uplink:` → ``UplinkSettings``. Reuses the broker section's readers for the shared keys (URL,
/// protocol, client id, TLS, reconnect), so both connections accept and refuse the same things.
enum UplinkSection {
    static let keys = [
        "url", "protocol", "client_id", "username", "password_file", "password_credential", "tls", "topic_prefix",
        "batch", "qos", "keepalive", "reconnect",
    ]
    static let urlExpectation = "the central broker's URL, such as mqtts://central.example.net:8883"

    static func decode(_ node: ConfigNode, gatewayID: String?) -> UplinkSettings? {
        guard let section = node.mapping(expecting: "a mapping with the keys url and topic_prefix") else { return nil }
        section.rejectUnknownKeys(keys, explanations: ["password": BrokerSection.inlinePassword])
        let url = section.required("url", urlExpectation).flatMap(BrokerSection.parseURL)
        var protocolVersion: MQTTProtocolVersion? = .v5
        if let node = section.optional("protocol") { protocolVersion = BrokerSection.parseProtocolVersion(node) }
        let clientID = section.optional("client_id").flatMap(BrokerSection.parseClientID)
            ?? gatewayID.map { "utility-gateway-\($0)-uplink" }
        let username = section.optional("username")?.string(expecting: "a user name")
        // As for the broker: a file, or a systemd credential (the unit loads `uplink-password`).
        let passwordFile = section.mqttPasswordFile()
        let tls = section.optional("tls").flatMap { TLSSection.decode($0, url: url) }
        let prefix = section.required("topic_prefix", "the topic prefix to publish under, such as utilities/gateways/site-01")
            .flatMap(topicPrefix)
        let batch = section.optional("batch").map(BatchSection.decode) ?? UplinkBatch()
        var qos = 1
        if let node = section.optional("qos"), let value = node.integer(expecting: "the QoS 1 or 2") {
            if value == 1 || value == 2 {
                qos = value
            } else {
                node.report(
                    "expected the QoS 1 or 2; got \(value) (a reading counts as forwarded only when the central "
                        + "broker acknowledged it, and QoS 0 is never acknowledged)")
            }
        }
        let keepalive = section.optional("keepalive")?.wholeSeconds(in: 5...65_535, "between 5s and 65535s (18h12m15s)")
        let reconnect = section.optional("reconnect").map(ReconnectSection.decode) ?? ReconnectBackoff()
        guard let url, let protocolVersion, let clientID, let prefix else { return nil }
        return UplinkSettings(
            url: url, protocolVersion: protocolVersion, clientID: clientID, username: username,
            passwordFile: passwordFile, tls: tls, topicPrefix: prefix, batch: batch, qos: qos,
            keepaliveSeconds: keepalive ?? 30, reconnect: reconnect)
    }

    /// A topic name without wildcards and without a trailing '/': the forwarder appends `/readings`,
    /// `/events` and `/status`.
    static func topicPrefix(_ node: ConfigNode) -> String? {
        guard let prefix = GatewaySection.topicName(node) else { return nil }
        if prefix.hasSuffix("/") {
            node.report("the topic prefix must not end with '/' (the forwarder adds '/readings'); got \(Phrase.quoted(prefix))")
            return nil
        }
        return prefix
    }
}

/// `uplink.batch:` → ``UplinkBatch``.
enum BatchSection {
    static let keys = ["max_readings", "max_bytes", "max_delay"]
    /// An MQTT message carries at most 256 MiB.
    static let largestMessage = 256 * 1024 * 1024

    static func decode(_ node: ConfigNode) -> UplinkBatch {
        var batch = UplinkBatch()
        guard let section = node.mapping(expecting: "a mapping such as `batch: { max_readings: 500, max_bytes: 256KiB, max_delay: 1s }`") else {
            return batch
        }
        section.rejectUnknownKeys(keys)
        if let node = section.optional("max_readings"), let count = node.integer(expecting: "a number of readings such as 500") {
            if (1...100_000).contains(count) {
                batch.maxReadings = count
            } else {
                node.report("expected a number of readings from 1 to 100000; got \(count)")
            }
        }
        if let bytes = section.optional("max_bytes")?.byteSize({ bytes in
            if bytes < 1024 { return "must be at least 1KiB (one reading is about 200 bytes of JSON)" }
            if bytes > largestMessage { return "must be at most 256MiB (no MQTT message is larger)" }
            return nil
        }) {
            batch.maxBytes = bytes
        }
        if let delay = section.optional("max_delay")?.duration({ $0 >= 0 && $0 <= 3600 ? nil : "must be between 0s and 1h" }) {
            batch.maxDelaySeconds = delay
        }
        return batch
    }
}
