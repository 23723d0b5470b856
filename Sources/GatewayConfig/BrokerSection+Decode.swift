import GatewayCore

/// `broker:` → ``BrokerSettings``.
enum BrokerSection {
    static let keys = [
        "url", "protocol", "client_id", "username", "password_file", "password_credential", "tls", "keepalive", "session",
        "session_expiry", "reconnect",
    ]
    static let urlExpectation = "a broker URL such as mqtt://127.0.0.1:1883 or mqtts://broker.example:8883"
    static let inlinePassword =
        "an inline 'password' is not accepted: a configuration file gets copied, shown and committed. "
        + "Put the password in a file only the service can read and name it with 'password_file' "
        + "(for example /run/credentials/utility-gateway.service/broker-password, from systemd LoadCredential=)"
    /// The MQTT 5 Session Expiry Interval is a 32-bit number of seconds; its maximum means "never".
    static let longestSessionExpiry = Int(UInt32.max)

    /// What was decoded: the settings when complete, and the protocol version on its own because
    /// the routes need it even when another broker key is wrong.
    struct Decoded {
        var settings: BrokerSettings?
        var protocolVersion: MQTTProtocolVersion?
    }

    static func decode(_ node: ConfigNode, gatewayID: String?) -> Decoded {
        guard let section = node.mapping(expecting: "a mapping with the key url") else { return Decoded() }
        section.rejectUnknownKeys(keys, explanations: ["password": inlinePassword])

        let url = section.required("url", urlExpectation).flatMap(parseURL)
        var protocolVersion: MQTTProtocolVersion? = .v5
        if let node = section.optional("protocol") { protocolVersion = parseProtocolVersion(node) }
        let clientID = section.optional("client_id").flatMap(parseClientID) ?? gatewayID.map { "utility-gateway-\($0)" }
        let username = section.optional("username")?.string(expecting: "a user name")
        let passwordFile = section.mqttPasswordFile()
        let tls = section.optional("tls").flatMap { TLSSection.decode($0, url: url) }
        let keepalive = section.optional("keepalive")?.wholeSeconds(in: 5...65_535, "between 5s and 65535s (18h12m15s)")
        var session = SessionMode.persistent
        if let mode = section.optional("session")?.oneOf(SessionMode.self) { session = mode }
        var sessionExpiry = 86_400
        if let node = section.optional("session_expiry") {
            if let seconds = node.wholeSeconds(in: 1...longestSessionExpiry, "between 1s and \(longestSessionExpiry)s") {
                sessionExpiry = seconds
            }
            if protocolVersion == .v311 {
                node.report(
                    "'session_expiry' is an MQTT 5 setting and the protocol is 3.1.1: with 3.1.1 the broker alone "
                        + "decides how long a persistent session lasts (mosquitto: persistent_client_expiration). "
                        + "Remove session_expiry or set protocol: \"5\""
                )
            }
            if session == .clean {
                node.report("'session_expiry' only applies to 'session: persistent'; the session is clean")
            }
        }
        let reconnect = section.optional("reconnect").map(ReconnectSection.decode) ?? ReconnectBackoff()

        guard let url, let protocolVersion, let clientID else {
            return Decoded(settings: nil, protocolVersion: protocolVersion)
        }
        let settings = BrokerSettings(
            url: url, protocolVersion: protocolVersion, clientID: clientID, username: username,
            passwordFile: passwordFile, tls: tls, keepaliveSeconds: keepalive ?? 30, session: session,
            sessionExpirySeconds: sessionExpiry, reconnect: reconnect
        )
        return Decoded(settings: settings, protocolVersion: protocolVersion)
    }

    static func parseURL(_ node: ConfigNode) -> BrokerURL? {
        guard let text = node.string(expecting: urlExpectation) else { return nil }
        if text.contains("@") {
            // The text may hold a password: do not repeat it.
            node.report(
                "the broker URL must not contain a user name or password (user:password@host); "
                    + "use 'username' and 'password_file'"
            )
            return nil
        }
        guard let url = BrokerURL(parsing: text) else {
            node.report("expected \(urlExpectation); got \(Phrase.quoted(text))")
            return nil
        }
        return url
    }

    /// `"5"`, `5` or `3.1.1`. `nil` after a problem.
    static func parseProtocolVersion(_ node: ConfigNode) -> MQTTProtocolVersion? {
        let expectation = "the MQTT protocol version \"5\" or \"3.1.1\""
        guard let text = node.text(expecting: expectation) else { return nil }
        guard let version = MQTTProtocolVersion(rawValue: text) else {
            node.report("expected \(expectation); got \(Phrase.quoted(text))")
            return nil
        }
        return version
    }

    static func parseClientID(_ node: ConfigNode) -> String? {
        guard let id = node.string(expecting: "an MQTT client id such as utility-gateway-site-01") else { return nil }
        guard id.utf8.count <= 65_535, !id.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            node.report("an MQTT client id must be at most 65535 bytes without control characters")
            return nil
        }
        return id
    }
}
