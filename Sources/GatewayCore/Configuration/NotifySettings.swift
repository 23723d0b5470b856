/// `notify:` — webhooks that receive alert and ticket events over HTTP (issue 6, item 4).
///
/// Each webhook gets the same JSON document the uplink publishes on `<prefix>/events`, one POST per
/// event, signed with HMAC-SHA256, retried from the store until the receiver answers 2xx.
public struct NotifySettings: Sendable, Hashable {
    public var webhooks: [WebhookSettings]

    public init(webhooks: [WebhookSettings] = []) {
        self.webhooks = webhooks
    }
}

/// One webhook receiver.
public struct WebhookSettings: Sendable, Hashable {
    /// `[a-z0-9_-]+`, unique. Keys the webhook's delivery cursors in the store
    /// (`webhook:<name>:alert_history`, …): a renamed webhook starts over at the newest event.
    public var name: String
    public var url: WebhookURL
    /// Which events are POSTed (event names such as `alert.active`, or `alert.*` / `ticket.*`).
    public var events: EventNameFilter
    /// The HMAC key, read at start-up. `nil` only when the configuration was loaded without its
    /// files (the CLI); the daemon always has one.
    public var secretFile: String?
    /// Per attempt: connect, send, and the receiver's answer.
    public var timeoutSeconds: Double
    /// Delays between failed attempts (decorrelated jitter, monotonic clock).
    public var retry: ReconnectBackoff

    public init(
        name: String, url: WebhookURL, events: EventNameFilter, secretFile: String?, timeoutSeconds: Double = 10,
        retry: ReconnectBackoff = .init()
    ) {
        self.name = name
        self.url = url
        self.events = events
        self.secretFile = secretFile
        self.timeoutSeconds = timeoutSeconds
        self.retry = retry
    }
}

/// A webhook's URL, checked: `https://` anywhere, `http://` to a loopback host only unless the
/// configuration opts in (`allow_plain_http: true`) — plain HTTP to another host sends alerts in
/// clear text.
public struct WebhookURL: Sendable, Hashable, CustomStringConvertible {
    public var text: String
    public var usesTLS: Bool
    public var host: String
    public var port: Int

    public init(text: String, usesTLS: Bool, host: String, port: Int) {
        self.text = text
        self.usesTLS = usesTLS
        self.host = host
        self.port = port
    }

    /// The whole URL as configured.
    public var description: String { text }

    /// Scheme, host, port and path without the query, which may hold a receiver's token: for logs
    /// and the status document.
    public var redacted: String {
        guard let query = text.firstIndex(of: "?") else { return text }
        return String(text[..<query]) + "?…"
    }

    /// 127.0.0.0/8, `::1` and `localhost`.
    public static func isLoopback(host: String) -> Bool {
        if host == "localhost" || host == "::1" || host == "[::1]" { return true }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "127" else { return false }
        return parts.allSatisfy { part in UInt8(part) != nil }
    }
}
