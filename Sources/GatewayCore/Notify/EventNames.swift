/// The names webhooks (and the uplink's event messages) give alert and ticket history entries.
///
/// One rule, so that a receiver can guess a name it has not seen: `<type>.<kind>`, where `type` is
/// `alert` or `ticket` and `kind` is the history's own stable code (`AlertEventKind`,
/// `TicketEvent.Kind` in GatewayRules) — with one exception: an alert's `activated` is
/// `alert.active`, the name operators use for the state it enters. The lists below are the names
/// known today; a kind added later gets its name by the same rule.
public enum EventNames {
    /// Every alert event name, in the order of `AlertEventKind`.
    public static let alert = [
        "alert.pending", "alert.active", "alert.severity_changed", "alert.acknowledged", "alert.cleared",
        "alert.pending_cancelled", "alert.shelved", "alert.unshelved", "alert.shelve_expired", "alert.suppressed",
        "alert.unsuppressed", "alert.out_of_service", "alert.in_service", "alert.chattering", "alert.flood_started",
        "alert.flood_ended", "alert.rule_removed",
    ]
    /// Every ticket event name, in the order of `TicketEvent.Kind`.
    public static let ticket = [
        "ticket.opened", "ticket.alert_linked", "ticket.step_done", "ticket.assigned", "ticket.noted",
        "ticket.closed", "ticket.overdue", "ticket.escalated",
    ]
    public static let all = alert + ticket

    /// The name of a history entry: `alertHistory` → `alert.<kind>`, `ticketHistory` → `ticket.<kind>`.
    public static func name(isAlert: Bool, kind: String) -> String {
        if isAlert { return kind == "activated" ? "alert.active" : "alert." + kind }
        return "ticket." + kind
    }
}

/// Which event names a webhook wants: exact names, and `alert.*` / `ticket.*` for every name of
/// that type (the ones added later too).
public struct EventNameFilter: Sendable, Hashable {
    public var names: Set<String>
    public var prefixes: Set<String>

    public init(names: Set<String> = [], prefixes: Set<String> = []) {
        self.names = names
        self.prefixes = prefixes
    }

    public func matches(_ name: String) -> Bool {
        if names.contains(name) { return true }
        return prefixes.contains { name.hasPrefix($0) }
    }
}
