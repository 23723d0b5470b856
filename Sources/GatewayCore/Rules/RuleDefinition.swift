/// One rule, as validated from the `rules:` configuration (DESIGN §4, README "Rules"): which
/// series it watches, the condition, and how an activation becomes an alert and a ticket.
public struct RuleDefinition: Sendable, Hashable {
    /// Unique, such as `water.pressure.low`.
    public var id: String
    public var description: String
    /// The standard or commitment the thresholds come from (`GB 5749-2022 table 2`).
    public var source: String?
    public var match: RuleMatch
    public var condition: RuleCondition
    /// How far past a threshold a value must recover before the level clears (hysteresis), in the
    /// metric's canonical unit. 0 for none.
    public var deadband: Double
    /// How long (event time) the condition must hold before the alert becomes active.
    public var onDelayMillis: Int64
    /// How long (event time) the condition must stay clear before the alert clears.
    public var offDelayMillis: Int64
    public var risk: Risk
    /// Whether an activation opens (or appends to) a service ticket.
    public var ticket: TicketPolicy?
    /// Safety rules (gas leak, CO) are never auto-shelved for chattering and never folded into a
    /// flood ticket. A device attribute `safety: true` makes every rule on it a safety rule.
    public var safety: Bool

    public init(
        id: String, description: String = "", source: String? = nil, match: RuleMatch, condition: RuleCondition,
        deadband: Double = 0, onDelayMillis: Int64 = 0, offDelayMillis: Int64 = 0,
        risk: Risk = Risk(level: .medium, category: .technical), ticket: TicketPolicy? = nil, safety: Bool = false
    ) {
        self.id = id
        self.description = description
        self.source = source
        self.match = match
        self.condition = condition
        self.deadband = deadband
        self.onDelayMillis = onDelayMillis
        self.offDelayMillis = offDelayMillis
        self.risk = risk
        self.ticket = ticket
        self.safety = safety
    }
}

/// Which series a rule applies to: globs on site, device and metric, an optional utility, and
/// device attributes that must all be equal (attributes come from the device registry).
public struct RuleMatch: Sendable, Hashable {
    public var utility: Utility?
    public var site: Glob
    public var device: Glob
    public var metric: Glob
    public var attributes: [String: String]

    public init(
        utility: Utility? = nil, site: Glob = .any, device: Glob = .any, metric: Glob = .any,
        attributes: [String: String] = [:]
    ) {
        self.utility = utility
        self.site = site
        self.device = device
        self.metric = metric
        self.attributes = attributes
    }

    /// Whether a series with these identity values and device attributes is watched by the rule.
    public func matches(utility: Utility, site: String, device: String, metric: String, attributes: [String: String]) -> Bool {
        if let expected = self.utility, expected != utility { return false }
        guard self.site.matches(site), self.device.matches(device), self.metric.matches(metric) else { return false }
        return self.attributes.allSatisfy { attributes[$0.key] == $0.value }
    }
}

/// Two alarm levels of one bound; at least one is set.
public struct SeverityLevels: Sendable, Hashable {
    public var warning: Double?
    public var critical: Double?

    public init(warning: Double? = nil, critical: Double? = nil) {
        self.warning = warning
        self.critical = critical
    }
}

/// What makes a series abnormal.
public enum RuleCondition: Sendable, Hashable {
    /// The value is above a level (`value > level`).
    case above(SeverityLevels)
    /// The value is below a level (`value < level`).
    case below(SeverityLevels)
    /// The value is below `low` or above `high`.
    case outside(low: SeverityLevels, high: SeverityLevels)
    /// The value rose (`rise`) or dropped (`drop`) by more than the level within `windowMillis` of
    /// event time (the change between the oldest reading still in the window and the newest).
    case rate(windowMillis: Int64, rise: SeverityLevels?, drop: SeverityLevels?)
    /// No reading of the series for `forMillis` (`nil`: 3 × the device's `expected_interval`).
    case noData(forMillis: Int64?)
    /// The value stayed within `tolerance` of itself for `forMillis` (a stuck sensor).
    case flatline(forMillis: Int64, tolerance: Double)
}

/// Alarm severity, in increasing order.
public enum Severity: String, Sendable, Hashable, CaseIterable, Comparable, Codable {
    case warning
    case critical

    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs == .warning && rhs == .critical }
}

/// The risk an alert represents (the service handbook's three levels and four categories).
public struct Risk: Sendable, Hashable {
    public var level: RiskLevel
    public var category: RiskCategory

    public init(level: RiskLevel, category: RiskCategory) {
        self.level = level
        self.category = category
    }
}

public enum RiskLevel: String, Sendable, Hashable, CaseIterable, Codable {
    case high, medium, low
}

public enum RiskCategory: String, Sendable, Hashable, CaseIterable, Codable {
    case technical, management, operational, external
}
