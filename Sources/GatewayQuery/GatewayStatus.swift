import Foundation

/// What `GET /api/v1/status` answers and `utility-gatewayctl status` prints: the gateway's state at
/// one moment. Encoded as JSON with snake_case keys; times are RFC 3339 UTC strings, so the same
/// document reads well with `curl` and decodes in the CLI.
public struct GatewayStatus: Codable, Sendable, Hashable {
    public var gateway: GatewayIdentity
    /// Whether `/readyz` would answer 200 now.
    public var ready: Bool
    /// Why not, one sentence each (the same list `/readyz` gives); empty when ready.
    public var unreadyReasons: [String]
    public var broker: BrokerLink
    /// `not_configured` until store-and-forward is configured.
    public var uplink: LinkState
    /// Per route (configured order), then `-` for messages that matched no route (only when any did).
    public var routes: [RouteCounts]
    public var ingest: IngestTotals
    public var store: StoreState
    /// The buffer policy's state; `nil` (absent from the JSON) from a daemon that does not report it.
    public var buffer: BufferState?
    /// The webhooks (`notify.webhooks`); `nil` (absent from the JSON) when none is configured.
    public var webhooks: [WebhookState]?

    public init(
        gateway: GatewayIdentity, ready: Bool, unreadyReasons: [String] = [], broker: BrokerLink, uplink: LinkState,
        routes: [RouteCounts], ingest: IngestTotals, store: StoreState, buffer: BufferState? = nil,
        webhooks: [WebhookState]? = nil
    ) {
        self.webhooks = webhooks
        self.buffer = buffer
        self.gateway = gateway
        self.ready = ready
        self.unreadyReasons = unreadyReasons
        self.broker = broker
        self.uplink = uplink
        self.routes = routes
        self.ingest = ingest
        self.store = store
    }

    enum CodingKeys: String, CodingKey {
        case gateway, ready, broker, uplink, routes, ingest, store, buffer, webhooks
        case unreadyReasons = "unready_reasons"
    }

    /// The document as the API sends it: pretty-printed with sorted keys, so that it diffs and
    /// greps well, ending in a newline.
    public func jsonText() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self) + "\n"
    }

    /// Who is answering.
    public struct GatewayIdentity: Codable, Sendable, Hashable {
        public var id: String
        public var version: String
        /// RFC 3339.
        public var startedAt: String
        public var uptimeSeconds: Double

        public init(id: String, version: String, startedAt: String, uptimeSeconds: Double) {
            self.id = id
            self.version = version
            self.startedAt = startedAt
            self.uptimeSeconds = uptimeSeconds
        }

        enum CodingKeys: String, CodingKey {
            case id, version
            case startedAt = "started_at"
            case uptimeSeconds = "uptime_seconds"
        }
    }

    /// The state of one link (broker or uplink) and when and why it last changed.
    public struct LinkState: Codable, Sendable, Hashable {
        /// `connected`, `connecting`, `disconnected`, or `not_configured`.
        public var state: String
        /// When the state last changed (RFC 3339); `nil` when it never did.
        public var since: String?
        /// Why it changed, in words (the broker's reason, the socket error); `nil` when connected.
        public var reason: String?
        /// Uplink only: the central broker's URL.
        public var url: String?
        /// Uplink only: what waits to be forwarded (measured every few seconds).
        public var backlog: UplinkBacklog?
        /// Uplink only: what the central broker acknowledged since the daemon started.
        public var forwarded: UplinkForwarded?

        public init(
            state: String, since: String?, reason: String?, url: String? = nil, backlog: UplinkBacklog? = nil,
            forwarded: UplinkForwarded? = nil
        ) {
            self.state = state
            self.since = since
            self.reason = reason
            self.url = url
            self.backlog = backlog
            self.forwarded = forwarded
        }
    }

    /// Records in the store that the central broker has not acknowledged yet.
    public struct UplinkBacklog: Codable, Sendable, Hashable {
        public var readings: Int
        public var events: Int
        /// The readings' share of the database file, estimated from the measured bytes per row.
        public var bytesEstimate: Int64
        /// Age of the oldest waiting reading (since it was received); `nil` when none waits.
        public var oldestAgeSeconds: Double?

        public init(readings: Int, events: Int, bytesEstimate: Int64, oldestAgeSeconds: Double?) {
            self.readings = readings
            self.events = events
            self.bytesEstimate = bytesEstimate
            self.oldestAgeSeconds = oldestAgeSeconds
        }

        enum CodingKeys: String, CodingKey {
            case readings, events
            case bytesEstimate = "bytes_estimate"
            case oldestAgeSeconds = "oldest_age_seconds"
        }
    }

    /// Counts of acknowledged records and published messages since the daemon started.
    public struct UplinkForwarded: Codable, Sendable, Hashable {
        public var readings: Int
        public var events: Int
        public var messages: Int
        /// Connections the central broker accepted since start.
        public var connections: Int
        /// When the last acknowledgement moved a cursor (RFC 3339).
        public var lastAcknowledged: String?

        public init(readings: Int, events: Int, messages: Int, connections: Int, lastAcknowledged: String?) {
            self.readings = readings
            self.events = events
            self.messages = messages
            self.connections = connections
            self.lastAcknowledged = lastAcknowledged
        }

        enum CodingKeys: String, CodingKey {
            case readings, events, messages, connections
            case lastAcknowledged = "last_acknowledged"
        }
    }

    /// The broker link with its subscriptions.
    public struct BrokerLink: Codable, Sendable, Hashable {
        /// The broker URL (never with a password: the password lives in a file).
        public var url: String
        /// `connected`, `connecting` or `disconnected`.
        public var state: String
        /// When the state last changed (RFC 3339); `nil` when it never did.
        public var since: String?
        /// Why the link went down, in words; `nil` while connected.
        public var reason: String?
        /// Connections lost since start.
        public var reconnects: Int
        public var subscriptions: [Subscription]

        public init(url: String, state: String, since: String?, reason: String?, reconnects: Int, subscriptions: [Subscription]) {
            self.url = url
            self.state = state
            self.since = since
            self.reason = reason
            self.reconnects = reconnects
            self.subscriptions = subscriptions
        }

        public struct Subscription: Codable, Sendable, Hashable {
            public var filter: String
            /// `pending`, `acknowledged` or `refused`.
            public var state: String
            /// The QoS the broker granted, once acknowledged.
            public var grantedQoS: Int?

            public init(filter: String, state: String, grantedQoS: Int?) {
                self.filter = filter
                self.state = state
                self.grantedQoS = grantedQoS
            }

            enum CodingKeys: String, CodingKey {
                case filter, state
                case grantedQoS = "granted_qos"
            }
        }
    }

    /// Counts of one route since the daemon started.
    public struct RouteCounts: Codable, Sendable, Hashable {
        /// The route id; `-` for messages no route matched.
        public var route: String
        /// Messages whose topic matched this route.
        public var received: Int
        /// Messages that gave at least one reading.
        public var decoded: Int
        /// Quarantine records (a message, or one bad part of one) from this route.
        public var quarantined: Int
        /// Readings decoded (before deduplication).
        public var readings: Int

        public init(route: String, received: Int, decoded: Int, quarantined: Int, readings: Int) {
            self.route = route
            self.received = received
            self.decoded = decoded
            self.quarantined = quarantined
            self.readings = readings
        }
    }

    /// Ingest totals since the daemon started, and the arrival rate.
    public struct IngestTotals: Codable, Sendable, Hashable {
        public var messagesReceived: Int
        public var readingsStored: Int
        public var duplicatesSkipped: Int
        public var quarantined: Int
        public var commitFailures: Int
        /// Messages per second over the last minute.
        public var messagesPerSecond: Double
        /// Readings stored per second over the last minute.
        public var readingsPerSecond: Double

        public init(
            messagesReceived: Int, readingsStored: Int, duplicatesSkipped: Int, quarantined: Int, commitFailures: Int,
            messagesPerSecond: Double, readingsPerSecond: Double
        ) {
            self.messagesReceived = messagesReceived
            self.readingsStored = readingsStored
            self.duplicatesSkipped = duplicatesSkipped
            self.quarantined = quarantined
            self.commitFailures = commitFailures
            self.messagesPerSecond = messagesPerSecond
            self.readingsPerSecond = readingsPerSecond
        }

        enum CodingKeys: String, CodingKey {
            case quarantined
            case messagesReceived = "messages_received"
            case readingsStored = "readings_stored"
            case duplicatesSkipped = "duplicates_skipped"
            case commitFailures = "commit_failures"
            case messagesPerSecond = "messages_per_second"
            case readingsPerSecond = "readings_per_second"
        }
    }

    /// What the store holds.
    public struct StoreState: Codable, Sendable, Hashable {
        public var path: String
        public var fileBytes: Int64
        public var walBytes: Int64
        public var readings: Int
        /// Readings in the hot tier, not merged yet.
        public var recentReadings: Int
        public var series: Int
        public var quarantined: Int
        /// Event time of the oldest and newest stored reading (RFC 3339); `nil` when there is none.
        public var oldestReading: String?
        public var newestReading: String?

        public init(
            path: String, fileBytes: Int64, walBytes: Int64, readings: Int, recentReadings: Int, series: Int,
            quarantined: Int, oldestReading: String?, newestReading: String?
        ) {
            self.path = path
            self.fileBytes = fileBytes
            self.walBytes = walBytes
            self.readings = readings
            self.recentReadings = recentReadings
            self.series = series
            self.quarantined = quarantined
            self.oldestReading = oldestReading
            self.newestReading = newestReading
        }

        enum CodingKeys: String, CodingKey {
            case path, readings, series, quarantined
            case fileBytes = "file_bytes"
            case walBytes = "wal_bytes"
            case recentReadings = "recent_readings"
            case oldestReading = "oldest_reading"
            case newestReading = "newest_reading"
        }
    }

    /// The buffer policy (`buffer:`): the size bound and what it and retention deleted.
    public struct BufferState: Codable, Sendable, Hashable {
        public var maxBytes: Int64
        /// Pages in use × page size at the last pass.
        public var usedBytes: Int64
        /// `drop_oldest_readings`.
        public var whenFull: String
        /// Still above `max_bytes` after the last pass.
        public var full: Bool
        /// Totals since the store was created, exact (counted in the deleting transaction).
        public var retentionDeleted: Int
        public var dropped: Int
        /// Of `dropped`, readings the uplink had not forwarded.
        public var droppedUnforwarded: Int
        /// RFC 3339; `nil` before the first pass.
        public var lastPass: String?
        /// `when_full: pause_ingest` holds ingest paused now.
        public var ingestPaused = false
        /// Times ingest was paused since start.
        public var pauses = 0
        /// A commit failed for lack of disk space and none has succeeded since (or space was not back).
        public var diskFull = false
        /// Times the disk filled up since start.
        public var diskFullEpisodes = 0
        /// Retention is behind the wall clock by this much: the clock moved faster than real time.
        public var retentionHeldBackSeconds: Int64 = 0
        /// The local broker's own count of messages it dropped (mosquitto
        /// `$SYS/broker/publish/messages/dropped`), when it publishes one; `nil` otherwise.
        public var brokerDroppedMessages: Int?

        public init(
            maxBytes: Int64, usedBytes: Int64, whenFull: String, full: Bool, retentionDeleted: Int, dropped: Int,
            droppedUnforwarded: Int, lastPass: String?
        ) {
            self.maxBytes = maxBytes
            self.usedBytes = usedBytes
            self.whenFull = whenFull
            self.full = full
            self.retentionDeleted = retentionDeleted
            self.dropped = dropped
            self.droppedUnforwarded = droppedUnforwarded
            self.lastPass = lastPass
        }

        enum CodingKeys: String, CodingKey {
            case full, dropped
            case maxBytes = "max_bytes"
            case usedBytes = "used_bytes"
            case whenFull = "when_full"
            case retentionDeleted = "retention_deleted"
            case droppedUnforwarded = "dropped_unforwarded"
            case lastPass = "last_pass"
            case pauses
            case ingestPaused = "ingest_paused"
            case diskFull = "disk_full"
            case diskFullEpisodes = "disk_full_episodes"
            case retentionHeldBackSeconds = "retention_held_back_seconds"
            case brokerDroppedMessages = "broker_dropped_messages"
        }

        /// The pause, disk and clock fields are optional on the wire: a `utility-gatewayctl` of this
        /// release still reads the status of a daemon from before them.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            maxBytes = try c.decode(Int64.self, forKey: .maxBytes)
            usedBytes = try c.decode(Int64.self, forKey: .usedBytes)
            whenFull = try c.decode(String.self, forKey: .whenFull)
            full = try c.decode(Bool.self, forKey: .full)
            retentionDeleted = try c.decode(Int.self, forKey: .retentionDeleted)
            dropped = try c.decode(Int.self, forKey: .dropped)
            droppedUnforwarded = try c.decode(Int.self, forKey: .droppedUnforwarded)
            lastPass = try c.decodeIfPresent(String.self, forKey: .lastPass)
            ingestPaused = try c.decodeIfPresent(Bool.self, forKey: .ingestPaused) ?? false
            pauses = try c.decodeIfPresent(Int.self, forKey: .pauses) ?? 0
            diskFull = try c.decodeIfPresent(Bool.self, forKey: .diskFull) ?? false
            diskFullEpisodes = try c.decodeIfPresent(Int.self, forKey: .diskFullEpisodes) ?? 0
            retentionHeldBackSeconds = try c.decodeIfPresent(Int64.self, forKey: .retentionHeldBackSeconds) ?? 0
            brokerDroppedMessages = try c.decodeIfPresent(Int.self, forKey: .brokerDroppedMessages)
        }
    }
}
