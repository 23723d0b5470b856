import GatewayCore

/// One current alert (the current-alerts table, `GET /api/v1/alerts`): every alert that is not yet
/// `cleared`, with its flags. It is exactly what the alert's last event says (see ``apply(_:)``).
public struct AlertRecord: Sendable, Hashable, Codable {
    public var id: String
    public var ruleID: String
    public var utility: Utility?
    public var site: String
    public var device: String
    public var metric: String
    public var state: AlertState
    public var severity: Severity
    /// When the episode began (event time).
    public var since: EpochMillis
    /// Time of the alert's last event.
    public var updatedAt: EpochMillis
    /// The value at the alert's last rule-driven transition.
    public var value: Double?
    public var threshold: Double?
    public var riskLevel: RiskLevel
    public var riskCategory: RiskCategory
    public var safety: Bool
    public var ticket: Bool
    public var shelved: Bool
    public var shelvedUntil: EpochMillis?
    public var suppressed: Bool
    public var outOfService: Bool
    public var duringFlood: Bool
    public var acknowledgedBy: String?
    public var acknowledgedAt: EpochMillis?

    /// The record an alert's event describes.
    public init(_ event: AlertEvent) {
        id = event.alertID
        ruleID = event.ruleID
        utility = event.utility
        site = event.site
        device = event.device
        metric = event.metric
        state = event.state
        severity = event.severity
        since = event.since
        updatedAt = event.time
        value = event.value
        threshold = event.threshold
        riskLevel = event.riskLevel
        riskCategory = event.riskCategory
        safety = event.safety
        ticket = event.ticket
        shelved = event.shelved
        shelvedUntil = event.shelvedUntil
        suppressed = event.suppressed
        outOfService = event.outOfService
        duringFlood = event.duringFlood
        acknowledgedBy = event.acknowledgedBy
        acknowledgedAt = event.acknowledgedAt
    }

    /// Folds one event into a current-alerts table keyed by alert id: the daemon's way to keep the
    /// table from the history, and the tests' way to check that the history is complete.
    public static func apply(_ event: AlertEvent, to table: inout [String: AlertRecord]) {
        if event.endsAlert {
            table[event.alertID] = nil
        } else {
            table[event.alertID] = AlertRecord(event)
        }
    }

    /// The current alerts after a whole history, in id order.
    public static func rebuild(from events: some Sequence<AlertEvent>) -> [AlertRecord] {
        var table: [String: AlertRecord] = [:]
        for event in events { apply(event, to: &table) }
        return table.values.sorted { AlertID.precedes($0.id, $1.id) }
    }

    /// The event that repeats this record with a new kind (used by the engine to emit).
    func event(
        kind: AlertEventKind, previousState: AlertState?, time: EpochMillis, actor: String? = nil, note: String? = nil
    ) -> AlertEvent {
        AlertEvent(
            alertID: id, ruleID: ruleID, utility: utility, site: site, device: device, metric: metric, kind: kind,
            previousState: previousState, state: state, severity: severity, value: value, threshold: threshold,
            time: time, since: since, actor: actor, note: note, riskLevel: riskLevel, riskCategory: riskCategory,
            safety: safety, ticket: ticket, shelved: shelved, shelvedUntil: shelvedUntil, suppressed: suppressed,
            outOfService: outOfService, duringFlood: duringFlood, acknowledgedBy: acknowledgedBy,
            acknowledgedAt: acknowledgedAt)
    }

    enum CodingKeys: String, CodingKey {
        case id
        case ruleID = "rule_id"
        case utility, site, device, metric, state, severity, since
        case updatedAt = "updated_at"
        case value, threshold
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

/// Alert ids: `A` followed by the engine's counter (`A1`, `A2`, …), deterministic for replay.
public enum AlertID {
    static func make(_ number: Int) -> String { "A\(number)" }

    /// The counter value in an id, or `nil` when the text is not an alert id.
    public static func number(_ id: String) -> Int? {
        guard id.hasPrefix("A"), let number = Int(id.dropFirst()), number > 0 else { return nil }
        return number
    }

    /// Id order (numeric for `A<n>`: a shorter number is smaller), for listings.
    public static func precedes(_ lhs: String, _ rhs: String) -> Bool {
        let l = lhs.utf8.count, r = rhs.utf8.count
        return l != r ? l < r : lhs < rhs
    }
}

extension AlertRecord {
    /// A new alert with no flags set (the engine sets them before emitting the first event).
    init(
        id: String, ruleID: String, utility: Utility?, site: String, device: String, metric: String,
        state: AlertState, severity: Severity, since: EpochMillis, value: Double?, threshold: Double?,
        risk: Risk, safety: Bool, ticket: Bool
    ) {
        self.id = id
        self.ruleID = ruleID
        self.utility = utility
        self.site = site
        self.device = device
        self.metric = metric
        self.state = state
        self.severity = severity
        self.since = since
        updatedAt = since
        self.value = value
        self.threshold = threshold
        riskLevel = risk.level
        riskCategory = risk.category
        self.safety = safety
        self.ticket = ticket
        shelved = false
        shelvedUntil = nil
        suppressed = false
        outOfService = false
        duringFlood = false
        acknowledgedBy = nil
        acknowledgedAt = nil
    }
}
