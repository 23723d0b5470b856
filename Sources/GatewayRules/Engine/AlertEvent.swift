import GatewayCore

/// One transition of one alert, as appended to the immutable alert history.
///
/// Every event carries the alert's complete resulting state (state, severity, flags, value and
/// threshold, since, risk, safety, ticket wish), not just what changed: the current-alerts table is
/// the last event of every alert id whose state is not `cleared` and whose kind is not
/// `pending_cancelled` or `rule_removed` (see ``AlertRecord/apply(_:)``), so it can be rebuilt from
/// the history alone.
///
/// `time` is event time (the readings' timestamps) for transitions driven by the rules, and wall
/// time for operator actions and wall-clock expiries (DESIGN §4).
public struct AlertEvent: Sendable, Hashable, Codable {
    public var alertID: String
    public var ruleID: String
    /// `nil` for gateway-level alerts (`gateway.possible_data_gap`, `gateway.flood`).
    public var utility: Utility?
    /// `*` for gateway-level alerts that are not about one site.
    public var site: String
    /// `*` for site- or gateway-level alerts.
    public var device: String
    public var metric: String
    public var kind: AlertEventKind
    /// The state before this event; `nil` when the event creates the alert.
    public var previousState: AlertState?
    /// The state after this event. For `pending_cancelled` and `rule_removed` the alert is gone and
    /// this repeats the last state it had.
    public var state: AlertState
    public var severity: Severity
    /// The value that made the transition (the reading, or for `rate` the change over the window);
    /// for operator actions the value at the alert's last rule-driven transition.
    public var value: Double?
    /// The level that was crossed, when there is one.
    public var threshold: Double?
    public var time: EpochMillis
    /// When the episode began (event time of the `pending` or `activated` event).
    public var since: EpochMillis
    /// The operator, for operator actions.
    public var actor: String?
    public var note: String?
    public var riskLevel: RiskLevel
    public var riskCategory: RiskCategory
    /// A safety alert (rule `safety` or device attribute `safety: true`): never auto-shelved for
    /// chattering, never shelved by hand, never counted as flooded.
    public var safety: Bool
    /// Whether the rule wants a service ticket at this severity (its ticket policy's `when`).
    public var ticket: Bool
    public var shelved: Bool
    /// Wall time the shelving ends.
    public var shelvedUntil: EpochMillis?
    /// First-out: the device's `no_data` alert is active.
    public var suppressed: Bool
    public var outOfService: Bool
    /// Raised while its site was flooding (the ticket side gathers these into the flood ticket).
    public var duringFlood: Bool
    /// The operator who acknowledged the alert, once acknowledged.
    public var acknowledgedBy: String?
    public var acknowledgedAt: EpochMillis?

    public init(
        alertID: String, ruleID: String, utility: Utility?, site: String, device: String, metric: String,
        kind: AlertEventKind, previousState: AlertState?, state: AlertState, severity: Severity,
        value: Double?, threshold: Double?, time: EpochMillis, since: EpochMillis, actor: String?, note: String?,
        riskLevel: RiskLevel, riskCategory: RiskCategory, safety: Bool, ticket: Bool, shelved: Bool,
        shelvedUntil: EpochMillis?, suppressed: Bool, outOfService: Bool, duringFlood: Bool,
        acknowledgedBy: String?, acknowledgedAt: EpochMillis?
    ) {
        self.alertID = alertID
        self.ruleID = ruleID
        self.utility = utility
        self.site = site
        self.device = device
        self.metric = metric
        self.kind = kind
        self.previousState = previousState
        self.state = state
        self.severity = severity
        self.value = value
        self.threshold = threshold
        self.time = time
        self.since = since
        self.actor = actor
        self.note = note
        self.riskLevel = riskLevel
        self.riskCategory = riskCategory
        self.safety = safety
        self.ticket = ticket
        self.shelved = shelved
        self.shelvedUntil = shelvedUntil
        self.suppressed = suppressed
        self.outOfService = outOfService
        self.duringFlood = duringFlood
        self.acknowledgedBy = acknowledgedBy
        self.acknowledgedAt = acknowledgedAt
    }

    /// The alert's risk as the rule model spells it (for the ticket book).
    public var risk: Risk { Risk(level: riskLevel, category: riskCategory) }

    /// Whether the alert leaves the current-alerts table with this event.
    public var endsAlert: Bool {
        state == .cleared || kind == .pendingCancelled || kind == .ruleRemoved
    }

    enum CodingKeys: String, CodingKey {
        case alertID = "alert_id"
        case ruleID = "rule_id"
        case utility, site, device, metric, kind
        case previousState = "previous_state"
        case state, severity, value, threshold, time, since, actor, note
        case riskLevel = "risk_level"
        case riskCategory = "risk_category"
        case safety, ticket, shelved
        case shelvedUntil = "shelved_until"
        case suppressed
        case outOfService = "out_of_service"
        case duringFlood = "during_flood"
        case acknowledgedBy = "acknowledged_by"
        case acknowledgedAt = "acknowledged_at"
    }
}
