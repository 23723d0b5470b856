/// `broker:` — the local MQTT broker the gateway subscribes to.
public struct BrokerSettings: Sendable, Hashable {
    public var url: BrokerURL
    public var protocolVersion: MQTTProtocolVersion
    public var clientID: String
    public var username: String?
    /// The password is read from this file at start-up, never written inline in the configuration.
    public var passwordFile: String?
    public var tls: TLSFiles?
    public var keepaliveSeconds: Int
    public var session: SessionMode
    /// MQTT 5 only: how long the broker keeps our session (and queues for us) while we are away.
    public var sessionExpirySeconds: Int
    public var reconnect: ReconnectBackoff

    public init(
        url: BrokerURL, protocolVersion: MQTTProtocolVersion = .v5, clientID: String,
        username: String? = nil, passwordFile: String? = nil, tls: TLSFiles? = nil,
        keepaliveSeconds: Int = 30, session: SessionMode = .persistent, sessionExpirySeconds: Int = 86_400,
        reconnect: ReconnectBackoff = .init()
    ) {
        self.url = url
        self.protocolVersion = protocolVersion
        self.clientID = clientID
        self.username = username
        self.passwordFile = passwordFile
        self.tls = tls
        self.keepaliveSeconds = keepaliveSeconds
        self.session = session
        self.sessionExpirySeconds = sessionExpirySeconds
        self.reconnect = reconnect
    }
}

/// `mqtt://host[:port]` (default port 1883) or `mqtts://host[:port]` (default 8883).
public struct BrokerURL: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var usesTLS: Bool

    public init(host: String, port: Int, usesTLS: Bool) {
        self.host = host
        self.port = port
        self.usesTLS = usesTLS
    }

    /// Parses `mqtt://host[:port]` or `mqtts://host[:port]`; `nil` for anything else.
    public init?(parsing text: String) {
        let tls: Bool
        let rest: Substring
        if text.hasPrefix("mqtt://") {
            tls = false
            rest = text.dropFirst("mqtt://".count)
        } else if text.hasPrefix("mqtts://") {
            tls = true
            rest = text.dropFirst("mqtts://".count)
        } else {
            return nil
        }
        var hostPart = rest
        if hostPart.hasSuffix("/") { hostPart = hostPart.dropLast() }
        var port = tls ? 8883 : 1883
        // IPv6 literal: [::1]:1883
        if hostPart.hasPrefix("["), let close = hostPart.firstIndex(of: "]") {
            let host = hostPart[hostPart.index(after: hostPart.startIndex)..<close]
            let after = hostPart[hostPart.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":"), let p = Int(after.dropFirst()), (1...65535).contains(p) else { return nil }
                port = p
            }
            guard !host.isEmpty else { return nil }
            self.init(host: String(host), port: port, usesTLS: tls)
            return
        }
        if let colon = hostPart.lastIndex(of: ":") {
            guard let p = Int(hostPart[hostPart.index(after: colon)...]), (1...65535).contains(p) else { return nil }
            port = p
            hostPart = hostPart[..<colon]
        }
        guard !hostPart.isEmpty, !hostPart.contains("/"), !hostPart.contains("@") else { return nil }
        self.init(host: String(hostPart), port: port, usesTLS: tls)
    }

    public var description: String {
        let h = host.contains(":") ? "[\(host)]" : host
        return "\(usesTLS ? "mqtts" : "mqtt")://\(h):\(port)"
    }
}

/// The MQTT protocol level spoken to the broker.
public enum MQTTProtocolVersion: String, Sendable, Hashable, CaseIterable {
    case v5 = "5"
    case v311 = "3.1.1"
}

/// Whether the broker keeps our subscriptions and queues messages while we are disconnected.
public enum SessionMode: String, Sendable, Hashable, CaseIterable {
    case persistent
    case clean
}

/// Files for `mqtts://`. The CA file is required; a client certificate and key go together.
public struct TLSFiles: Sendable, Hashable {
    public var caFile: String
    public var certFile: String?
    public var keyFile: String?

    public init(caFile: String, certFile: String? = nil, keyFile: String? = nil) {
        self.caFile = caFile
        self.certFile = certFile
        self.keyFile = keyFile
    }
}

/// Exponential backoff with jitter between `initialSeconds` and `maxSeconds`.
public struct ReconnectBackoff: Sendable, Hashable {
    public var initialSeconds: Double
    public var maxSeconds: Double

    public init(initialSeconds: Double = 1, maxSeconds: Double = 60) {
        self.initialSeconds = initialSeconds
        self.maxSeconds = maxSeconds
    }
}
