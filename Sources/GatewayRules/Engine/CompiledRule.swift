import GatewayCore

/// A rule as the evaluator uses it: the fields the hot path reads, copied out of the definition
/// into one small value without references, so that passing it around costs no retain/release
/// (copying the whole `RuleDefinition` per reading was the top of the profile).
struct CompiledRule: Sendable {
    let condition: RuleCondition
    let deadband: Double
    let onDelayMillis: Int64
    let offDelayMillis: Int64
    let isNoData: Bool
    /// The ticket policy's `when`; `nil` when the rule opens no ticket.
    let ticketWhen: Severity?

    init(_ definition: RuleDefinition) {
        ticketWhen = definition.ticket?.when
        condition = definition.condition
        deadband = max(0, definition.deadband)
        onDelayMillis = max(0, definition.onDelayMillis)
        offDelayMillis = max(0, definition.offDelayMillis)
        if case .noData = definition.condition { isNoData = true } else { isNoData = false }
    }

    /// Whether an alert of this rule at this severity wants a service ticket.
    func wantsTicket(_ severity: Severity) -> Bool {
        guard let ticketWhen else { return false }
        return severity >= ticketWhen
    }

    /// The `no_data` period for one device: the rule's own, else 3 × the device's
    /// `expected_interval`. `nil` when neither is known: the rule does not apply to the series.
    static func noDataPeriod(_ configured: Int64?, attributes: [String: String]) -> Int64? {
        if let configured { return configured > 0 ? configured : nil }
        guard let text = attributes[DeviceAttribute.expectedInterval], let seconds = DurationText.seconds(text),
            seconds > 0
        else { return nil }
        return Int64((seconds * 3000).rounded())
    }
}

/// The identity of one series: what rules are resolved for, once.
struct SeriesKey: Sendable, Hashable, Codable {
    var utility: Utility
    var site: String
    var device: String
    var metric: String
}
