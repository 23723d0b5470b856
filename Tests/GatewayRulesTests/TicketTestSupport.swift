import GatewayCore

@testable import GatewayRules

/// Shared helpers of the ticket tests: a UTC Monday–Friday calendar, and alerts with defaults.
enum TicketFixture {
    static let minute: Int64 = 60_000
    static let hour: Int64 = 3_600_000

    static func at(_ text: String) -> EpochMillis {
        guard let millis = RFC3339.parse(text) else { fatalError("bad timestamp in test: \(text)") }
        return millis
    }

    static func book() -> TicketBook {
        TicketBook(calendar: WorkingDayCalendar(WorkCalendar()))
    }

    /// The example policy: accept 15m, investigate 24h, handle 7wd, feedback 2wd.
    static let examplePolicy = TicketPolicy(
        when: .critical,
        steps: [.accept: .duration(millis: 15 * minute), .investigate: .duration(millis: 24 * hour),
                .handle: .workingDays(7), .feedback: .workingDays(2)])

    @discardableResult
    static func alert(
        _ book: inout TicketBook, rule: String = "water.pressure.low", utility: Utility = .water,
        site: String = "north", device: String = "pt-1", metric: String = "pressure", id: String,
        severity: Severity = .critical, risk: Risk = Risk(level: .high, category: .technical),
        policy: TicketPolicy = examplePolicy, safety: Bool = false, flooding: Bool = false, at time: EpochMillis
    ) -> [TicketEvent] {
        book.openOrAppend(
            rule: rule, utility: utility, site: site, device: device, metric: metric, alertID: id, severity: severity,
            risk: risk, policy: policy, safety: safety, siteFlooding: flooding, at: time)
    }

    /// The refusal a throwing action raised, or `nil` when it succeeded. (Closures do not infer
    /// typed throws, hence the cast.)
    static func refusal(_ action: () throws -> [TicketEvent]) -> TicketRefusal? {
        do {
            _ = try action()
            return nil
        } catch {
            return error as? TicketRefusal
        }
    }
}
