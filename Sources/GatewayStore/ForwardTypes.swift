import GatewayCore

/// The streams the uplink forwards, by the table they are read from (`forward_cursor.stream`).
public enum ForwardStream: String, Sendable, Hashable, CaseIterable {
    case readings
    case alertHistory = "alert_history"
    case ticketHistory = "ticket_history"
}

/// The last acknowledged seq of every stream (0: nothing yet).
public struct ForwardCursors: Sendable, Hashable {
    public var readings: Int64 = 0
    public var alertHistory: Int64 = 0
    public var ticketHistory: Int64 = 0

    public init(readings: Int64 = 0, alertHistory: Int64 = 0, ticketHistory: Int64 = 0) {
        self.readings = readings
        self.alertHistory = alertHistory
        self.ticketHistory = ticketHistory
    }

    public subscript(stream: ForwardStream) -> Int64 {
        get {
            switch stream {
            case .readings: readings
            case .alertHistory: alertHistory
            case .ticketHistory: ticketHistory
            }
        }
        set {
            switch stream {
            case .readings: readings = newValue
            case .alertHistory: alertHistory = newValue
            case .ticketHistory: ticketHistory = newValue
            }
        }
    }
}

/// One alert or ticket history entry waiting to be forwarded.
public struct OutboxEvent: Sendable, Hashable {
    public var stream: ForwardStream
    public var seq: Int64
    /// The alert episode id or the ticket id.
    public var entityID: String
    public var time: EpochMillis
    public var kind: String
    /// The alert's state after the event; `nil` for tickets (their state is in `body`).
    public var state: String?
    public var actor: String?
    public var note: String?
    /// The full event as the rules stage stored it (JSON text).
    public var body: String

    public init(
        stream: ForwardStream, seq: Int64, entityID: String, time: EpochMillis, kind: String, state: String?,
        actor: String?, note: String?, body: String
    ) {
        self.stream = stream
        self.seq = seq
        self.entityID = entityID
        self.time = time
        self.kind = kind
        self.state = state
        self.actor = actor
        self.note = note
        self.body = body
    }
}

/// What waits to be forwarded.
public struct ForwardBacklog: Sendable, Hashable {
    public var readings: Int
    /// When the oldest waiting reading was received; `nil` when none waits.
    public var oldestReceivedAt: EpochMillis?
    public var events: Int

    public init(readings: Int, oldestReceivedAt: EpochMillis?, events: Int) {
        self.readings = readings
        self.oldestReceivedAt = oldestReceivedAt
        self.events = events
    }
}

/// One stored reading as the uplink sends it.
public struct OutboxReading: Sendable, Hashable {
    public var seq: Int64
    public var utility: String
    public var site: String
    public var device: String
    public var metric: String
    public var value: Double
    public var unit: String
    public var timestamp: EpochMillis
    public var receivedAt: EpochMillis

    public init(
        seq: Int64, utility: String, site: String, device: String, metric: String, value: Double, unit: String,
        timestamp: EpochMillis, receivedAt: EpochMillis
    ) {
        self.seq = seq
        self.utility = utility
        self.site = site
        self.device = device
        self.metric = metric
        self.value = value
        self.unit = unit
        self.timestamp = timestamp
        self.receivedAt = receivedAt
    }
}
