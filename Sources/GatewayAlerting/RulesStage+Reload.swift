import GatewayCore
import GatewayRules

extension RulesStage {
    /// Why a reload could not apply the new rules (the stage keeps the old ones).
    public struct ReloadRefusal: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    /// Continues under a changed rules configuration without losing alert state: a new engine is
    /// built from the current engine's state — the same path as a restart takes from the stored
    /// snapshot (`RuleEngine(configuration:state:)`) — inside the stage's lock, so no reading is
    /// evaluated by both engines or by neither. Active alerts, pending delays, shelving and
    /// out-of-service periods carry over; alerts of removed rules close with `rule_removed`,
    /// written at once; new rules start clean. Open tickets carry over under the new calendar.
    ///
    /// Adding the first rules or removing the last needs a restart (throws `ReloadRefusal`): the
    /// stored cursor means "follow the store's end" while there are no rules, and only a start
    /// decides where evaluation begins.
    public func reconfigure(_ configuration: RulesConfiguration) throws {
        guard configuration.rules.isEmpty == !hasRules else {
            throw ReloadRefusal(description: hasRules
                ? "removing every rule needs a restart" : "adding rules where there were none needs a restart")
        }
        let closures = inner.withLock { state -> Int in
            let engine = RuleEngine(configuration: configuration, state: state.engine.state)
            state.engine = engine
            state.policies = Self.policies(configuration)
            state.tickets = TicketBook(state: state.tickets.state, calendar: WorkingDayCalendar(configuration.calendar))
            absorb(engine.restoreEvents, into: &state)
            return engine.restoreEvents.count
        }
        if closures > 0 { try flush(force: true) }
        logger.notice("rules.reconfigured", metadata: [
            "rules": "\(configuration.rules.count)", "alerts.closed_by_reload": "\(closures)",
        ])
    }

    /// Rule id → ticket policy, for the rules that open tickets.
    static func policies(_ configuration: RulesConfiguration) -> [String: TicketPolicy] {
        var policies: [String: TicketPolicy] = [:]
        for rule in configuration.rules { if let ticket = rule.ticket { policies[rule.id] = ticket } }
        return policies
    }
}
