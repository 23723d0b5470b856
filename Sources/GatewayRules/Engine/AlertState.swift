/// The ISA-18.2 states of one alert episode (DESIGN §4). Raw values are the stable codes written to
/// the alert history and shown by the API; never rename one once shipped.
///
/// `shelved`, `suppressed` and `out_of_service` are not states but flags on top of one (an alarm
/// that is shelved still goes active and returns to normal; the operator just does not see it).
public enum AlertState: String, Sendable, Hashable, CaseIterable, Codable {
    /// The condition holds but its on-delay is still running; nothing has been announced yet.
    case pending
    /// Active and not yet acknowledged by an operator.
    case activeUnack = "active_unack"
    /// Active and acknowledged.
    case activeAck = "active_ack"
    /// Returned to normal before anyone acknowledged it: stays visible until acknowledged.
    case clearedUnack = "cleared_unack"
    /// Over: returned to normal and acknowledged. The alert leaves the current-alerts table.
    case cleared

    /// Whether the alert's condition is (still) announced as active.
    public var isActive: Bool { self == .activeUnack || self == .activeAck }
}

/// What happened to an alert. Raw values are stable codes in the alert history.
public enum AlertEventKind: String, Sendable, Hashable, CaseIterable, Codable {
    /// A new episode whose on-delay is running (`pending`).
    case pending
    /// The episode became active (`active_unack`), directly or at the end of its on-delay.
    case activated
    /// The severity changed between warning and critical inside the same episode.
    case severityChanged = "severity_changed"
    /// An operator acknowledged it (`active_unack` → `active_ack`, `cleared_unack` → `cleared`).
    case acknowledged
    /// The condition stayed clear for the off-delay (`active_ack` → `cleared`,
    /// `active_unack` → `cleared_unack`), or a gateway alert ended by acknowledgement.
    case cleared
    /// The condition went away before the on-delay ended: the episode disappears, counting for
    /// nothing (no activation, no ticket).
    case pendingCancelled = "pending_cancelled"
    /// An operator shelved the alert (ISA-18.2 shelving: hidden for a while, still evaluated).
    case shelved
    /// An operator ended the shelving early.
    case unshelved
    /// The shelving ran out (wall clock).
    case shelveExpired = "shelve_expired"
    /// First-out: the device's `no_data` alert is active, so this consequence alert is suppressed.
    case suppressed
    /// The device's `no_data` alert cleared: this alert is no longer suppressed.
    case unsuppressed
    /// The device was put out of service (maintenance): the alert is flagged, nothing new is raised.
    case outOfService = "out_of_service"
    /// The device came back into service (operator action or the end of its out-of-service period).
    case inService = "in_service"
    /// The alert activated too often within the chattering window and was shelved automatically.
    case chattering
    /// A site-level flood alert (`gateway.flood`) began.
    case floodStarted = "flood_started"
    /// The site-level flood alert ended: the activation rate fell below the end level.
    case floodEnded = "flood_ended"
    /// The alert's rule is no longer in the configuration (or no longer matches its series) after
    /// a restart: the alert is closed without a verdict.
    case ruleRemoved = "rule_removed"
}
