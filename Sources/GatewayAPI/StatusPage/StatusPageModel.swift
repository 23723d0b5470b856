import GatewayCore
import GatewayQuery
import GatewayRules
import GatewayStore

/// Everything the status page at `/` shows, gathered by the API in one go, so that rendering is a
/// pure function of this value (and testable without a server).
public struct StatusPageModel: Sendable {
    /// The same document as `GET /api/v1/status`.
    public var status: GatewayStatus
    /// When the page was generated.
    public var generatedAt: EpochMillis
    /// The newest quarantine records (at most 10).
    public var recentQuarantine: [StoredQuarantineRecord]
    /// Every shown series' last 24 h, ordered by utility, site, device, metric. The page groups them
    /// per device.
    public var trends: [SeriesTrend]
    /// The start and end of the sparklines' common time axis.
    public var trendWindow: ClosedRange<EpochMillis>
    /// How many devices the store knows, and how many of them `trends` covers (the page shows at
    /// most a bounded number and says so).
    public var devicesTotal: Int
    public var devicesShown: Int
    /// Filters applied to the device list (`?utility=water&site=north`), to repeat on the page.
    public var deviceFilter: [(key: String, value: String)]
    /// Seconds between automatic reloads (a `<meta http-equiv="refresh">`; no JavaScript).
    public var refreshSeconds: Int
    /// Open alerts (every state but `cleared`), most severe first, at most a bounded number; each
    /// is its last event (state, severity, value, threshold, flags).
    public var activeAlerts: [AlertEvent]
    /// How many open alerts there are in all (the page says how many it does not show).
    public var openAlertsTotal: Int
    /// Open tickets, the most urgent deadline first, at most a bounded number.
    public var openTickets: [Ticket]
    public var openTicketsTotal: Int

    public init(
        status: GatewayStatus, generatedAt: EpochMillis, recentQuarantine: [StoredQuarantineRecord],
        trends: [SeriesTrend], trendWindow: ClosedRange<EpochMillis>, devicesTotal: Int, devicesShown: Int,
        deviceFilter: [(key: String, value: String)] = [], refreshSeconds: Int = 30, activeAlerts: [AlertEvent] = [],
        openAlertsTotal: Int? = nil, openTickets: [Ticket] = [], openTicketsTotal: Int? = nil
    ) {
        self.status = status
        self.generatedAt = generatedAt
        self.recentQuarantine = recentQuarantine
        self.trends = trends
        self.trendWindow = trendWindow
        self.devicesTotal = devicesTotal
        self.devicesShown = devicesShown
        self.deviceFilter = deviceFilter
        self.refreshSeconds = refreshSeconds
        self.activeAlerts = activeAlerts
        self.openAlertsTotal = openAlertsTotal ?? activeAlerts.count
        self.openTickets = openTickets
        self.openTicketsTotal = openTicketsTotal ?? openTickets.count
    }
}
