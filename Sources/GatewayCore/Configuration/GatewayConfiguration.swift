/// The validated configuration of one gateway (schema version 1), as `GatewayConfig` loads it from
/// YAML. Pure values: every stage receives the part it needs, and nothing here reads files.
public struct GatewayConfiguration: Sendable, Hashable {
    public var gateway: GatewaySettings
    public var broker: BrokerSettings
    public var storage: StorageSettings
    public var ingest: IngestSettings
    public var api: APISettings
    /// Devices, rules, the working-day calendar and noise controls.
    public var rules: RulesConfiguration
    /// First match wins.
    public var routes: [RouteConfiguration]
    /// Store-and-forward to a central broker; `nil` keeps every reading local.
    public var uplink: UplinkSettings?
    public var buffer: BufferSettings
    /// Webhooks for alert and ticket events; none by default.
    public var notify: NotifySettings

    public init(
        gateway: GatewaySettings, broker: BrokerSettings, storage: StorageSettings = .init(),
        ingest: IngestSettings = .init(), api: APISettings = .init(), rules: RulesConfiguration = .init(),
        routes: [RouteConfiguration], uplink: UplinkSettings? = nil, buffer: BufferSettings = .init(),
        notify: NotifySettings = .init()
    ) {
        self.notify = notify
        self.uplink = uplink
        self.buffer = buffer
        self.api = api
        self.rules = rules
        self.gateway = gateway
        self.broker = broker
        self.storage = storage
        self.ingest = ingest
        self.routes = routes
    }
}

/// `gateway:` — who this gateway is and where it keeps its state.
public struct GatewaySettings: Sendable, Hashable {
    /// `[a-z0-9-]+`; used in client ids and upstream topics.
    public var id: String
    /// Retained `online` / `offline` status and last will. Default `utility-gateway/<id>/status`.
    public var statusTopic: String
    /// Folder of `gateway.sqlite`. Default `/var/lib/utility-gateway`.
    public var stateDirectory: String
    public var logLevel: LogLevel

    public init(id: String, statusTopic: String? = nil, stateDirectory: String = "/var/lib/utility-gateway", logLevel: LogLevel = .info) {
        self.id = id
        self.statusTopic = statusTopic ?? "utility-gateway/\(id)/status"
        self.stateDirectory = stateDirectory
        self.logLevel = logLevel
    }

    /// The database file inside the state directory.
    public var databasePath: String {
        stateDirectory.hasSuffix("/") ? stateDirectory + "gateway.sqlite" : stateDirectory + "/gateway.sqlite"
    }
}

/// Log levels with the names journald and swift-log share.
public enum LogLevel: String, Sendable, Hashable, CaseIterable {
    case trace, debug, info, notice, warning, error, critical
}

/// `storage:` — how the SQLite store trades durability for speed.
public struct StorageSettings: Sendable, Hashable {
    /// `normal` survives a process crash but may lose the last commits on power loss; `full` does not
    /// (DESIGN §2).
    public var synchronous: SynchronousMode
    /// With `normal`: the store syncs its WAL (a passive checkpoint, in maintenance, never on the
    /// ack path) at least this often while it has commits to sync, so that a power cut loses about
    /// this much acknowledged data at most. Without it the window is bounded only in WAL pages
    /// (`wal_autocheckpoint`) and by the hot tier's merge age (60 s): up to a minute of a slow feed.
    /// Default 1 s: at most two fsyncs a second (the WAL's and the database file's), and the pages a
    /// checkpoint copies are pages SQLite's own checkpoint would copy later anyway. Ignored with
    /// `full`, which syncs every commit.
    public var syncIntervalSeconds: Double

    public init(synchronous: SynchronousMode = .normal, syncIntervalSeconds: Double = 1) {
        self.synchronous = synchronous
        self.syncIntervalSeconds = syncIntervalSeconds
    }
}

/// SQLite's `PRAGMA synchronous` levels that the gateway offers.
public enum SynchronousMode: String, Sendable, Hashable, CaseIterable {
    case normal
    case full
}

/// `ingest:` — limits on what the ingest path accepts.
public struct IngestSettings: Sendable, Hashable {
    /// Payloads above this size are quarantined without being parsed. Default 256 KiB.
    public var maxPayloadBytes: Int
    /// How many bytes of a quarantined payload are kept in the store (its full size is recorded
    /// too). Default 4 KiB: enough to see what a device sent, small enough that a flood of junk
    /// cannot fill the disk through the quarantine.
    public var quarantinePayloadBytes: Int

    /// Quarantine records older than this are deleted. Default 30 days.
    public var quarantineRetentionSeconds: Double
    /// At most this many quarantine records are kept (the oldest go first). Default 100,000.
    public var quarantineMaxRecords: Int

    public init(
        maxPayloadBytes: Int = 256 * 1024, quarantinePayloadBytes: Int = 4 * 1024,
        quarantineRetentionSeconds: Double = 30 * 86_400, quarantineMaxRecords: Int = 100_000
    ) {
        self.maxPayloadBytes = maxPayloadBytes
        self.quarantinePayloadBytes = quarantinePayloadBytes
        self.quarantineRetentionSeconds = quarantineRetentionSeconds
        self.quarantineMaxRecords = quarantineMaxRecords
    }
}
