extension GatewayStatus {
    /// One webhook of `notify.webhooks`: how its deliveries go.
    public struct WebhookState: Codable, Sendable, Hashable {
        public var name: String
        /// Without its query (a receiver's token may be in it).
        public var url: String
        /// `idle` (nothing waits), `delivering`, or `retrying` (the last attempt failed).
        public var state: String
        /// Events the receiver accepted (2xx) since the daemon started.
        public var delivered: Int
        public var failedAttempts: Int
        public var consecutiveFailures: Int
        /// Events its `events` list does not name, skipped since start.
        public var filtered: Int
        /// Events after its cursors, filtered ones included; `nil` before the first count.
        public var pending: Int?
        public var lastDelivered: String?
        public var lastError: String?
        public var lastErrorAt: String?

        public init(
            name: String, url: String, state: String, delivered: Int, failedAttempts: Int, consecutiveFailures: Int,
            filtered: Int, pending: Int?, lastDelivered: String?, lastError: String?, lastErrorAt: String?
        ) {
            self.name = name
            self.url = url
            self.state = state
            self.delivered = delivered
            self.failedAttempts = failedAttempts
            self.consecutiveFailures = consecutiveFailures
            self.filtered = filtered
            self.pending = pending
            self.lastDelivered = lastDelivered
            self.lastError = lastError
            self.lastErrorAt = lastErrorAt
        }

        enum CodingKeys: String, CodingKey {
            case name, url, state, delivered, filtered, pending
            case failedAttempts = "failed_attempts"
            case consecutiveFailures = "consecutive_failures"
            case lastDelivered = "last_delivered"
            case lastError = "last_error"
            case lastErrorAt = "last_error_at"
        }
    }
}

extension StatusRenderer {
    /// `webhook` lines of the status table, one per webhook.
    static func webhookLines(_ s: GatewayStatus) -> [(String, String)] {
        (s.webhooks ?? []).map { w in
            var line = "\(w.name) \(w.state) — \(w.url); \(w.delivered) delivered, \(w.failedAttempts) failed attempts"
            if let pending = w.pending { line += ", \(pending) waiting" }
            if w.consecutiveFailures > 0, let error = w.lastError { line += " (last error: \(error))" }
            return ("webhook", line)
        }
    }
}
