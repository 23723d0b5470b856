import Foundation
import GatewayCore
import GatewayRules

/// Runs a scenario's steps through a ``RuleEngine`` and a ``TicketBook`` the way the daemon's rules
/// stage does (activations and severity changes of rules with a ticket policy open or append a
/// ticket at the current wall time; an overdue step becomes a `ticket.overdue` alert), and projects
/// every event into one stable line.
///
/// Alert lines: `alert_id, rule_id, device (site/device), metric, kind, state, severity, value,
/// threshold, time, actor, note, flags, shelved_until`. A refused operator action is a line too:
/// `{"refused": "shelve A1", "error": "<code>"}`; an explicit restart is `{"restart": true}`.
///
/// `restartEveryStep` additionally round-trips the engine and the book through JSON after every
/// step: the lines must not change (the restart test of every state the case passes through).
struct ScenarioRun {
    let configuration: RulesConfiguration
    let calendar: WorkingDayCalendar
    let policies: [String: TicketPolicy]
    let restartEveryStep: Bool
    var engine: RuleEngine
    var tickets: TicketBook
    var history: [AlertEvent] = []
    var alertLines: [String] = []
    var ticketLines: [String] = []
    /// Broken invariants found on the way (a restart that changed the state, a history that does
    /// not rebuild the current alerts).
    var problems: [String] = []

    init(configuration: RulesConfiguration, restartEveryStep: Bool = false) {
        self.configuration = configuration
        self.restartEveryStep = restartEveryStep
        calendar = WorkingDayCalendar(configuration.calendar)
        var policies: [String: TicketPolicy] = [:]
        for rule in configuration.rules { policies[rule.id] = rule.ticket }
        self.policies = policies
        engine = RuleEngine(configuration: configuration)
        tickets = TicketBook(calendar: calendar)
    }

    static func run(_ scenario: ScenarioCase, restartEveryStep: Bool = false) -> ScenarioRun {
        var run = ScenarioRun(configuration: scenario.configuration, restartEveryStep: restartEveryStep)
        for (number, step) in scenario.steps.enumerated() {
            run.apply(step)
            if restartEveryStep { run.restart(announce: false, after: "step \(number + 1)") }
        }
        if AlertRecord.rebuild(from: run.history) != run.engine.activeAlerts {
            run.problems.append("the alert history does not rebuild the engine's current alerts")
        }
        return run
    }

    mutating func apply(_ step: ScenarioStep) {
        switch step {
        case .reading(let reading):
            absorb(engine.evaluate(reading))
        case .advance(let eventTime, let wallTime):
            absorb(engine.advance(eventTime: eventTime, wallTime: wallTime))
        case .acknowledge(let id, let actor, let note, let at):
            attempt("ack \(id)") { (engine: inout RuleEngine) throws(RuleEngineError) in
                try engine.acknowledge(alertID: id, actor: actor, note: note, at: at)
            }
        case .shelve(let id, let until, let actor, let note, let at):
            attempt("shelve \(id)") { (engine: inout RuleEngine) throws(RuleEngineError) in
                try engine.shelve(alertID: id, until: until, actor: actor, note: note, at: at)
            }
        case .unshelve(let id, let actor, let note, let at):
            attempt("unshelve \(id)") { (engine: inout RuleEngine) throws(RuleEngineError) in
                try engine.unshelve(alertID: id, actor: actor, note: note, at: at)
            }
        case .outOfService(let device, let until, let actor, let note, let at):
            attempt("out_of_service \(device)") { (engine: inout RuleEngine) throws(RuleEngineError) in
                try engine.setOutOfService(device, until: until, actor: actor, note: note, at: at)
            }
        case .inService(let device, let actor, let note, let at):
            attempt("in_service \(device)") { (engine: inout RuleEngine) throws(RuleEngineError) in
                try engine.setInService(device, actor: actor, note: note, at: at)
            }
        case .gatewayEvent(let event):
            absorb(engine.recordGatewayEvent(event))
        case .restart:
            restart(announce: true, after: "the restart step")
        case .ticket(let verb, let id, let actor, let note, let argument, let at):
            ticketAction(verb: verb, id: id, actor: actor, note: note, argument: argument, at: at)
        case .checkDeadlines(let at):
            let events = tickets.checkDeadlines(now: at)
            record(events)
            for overdue in events where overdue.kind == .overdue {
                let severity = tickets.ticket(overdue.ticketID)?.severity ?? .warning
                absorb(
                    engine.recordTicketOverdue(
                        ticketID: overdue.ticketID, utility: overdue.utility, site: overdue.site, device: overdue.device,
                        step: overdue.step?.rawValue ?? "-", deadline: overdue.deadline ?? at, severity: severity, at: at))
            }
        }
    }

    /// An operator action: its events, or one `refused` line with the error code.
    mutating func attempt(
        _ what: String, _ action: (inout RuleEngine) throws(RuleEngineError) -> [AlertEvent]
    ) {
        do {
            absorb(try action(&engine))
        } catch {
            var line = ScenarioLine()
            line.add("refused", what)
            line.add("error", error.code)
            alertLines.append(line.text)
        }
    }

    mutating func ticketAction(verb: String, id: String, actor: String, note: String?, argument: String?, at: EpochMillis) {
        do throws(TicketRefusal) {
            let events: [TicketEvent]
            switch verb {
            case "accept": events = try tickets.accept(id, actor: actor, note: note, at: at)
            case "investigate": events = try tickets.investigate(id, actor: actor, note: note, at: at)
            case "handle": events = try tickets.handle(id, actor: actor, note: note, at: at)
            case "feedback": events = try tickets.feedback(id, actor: actor, note: note, at: at)
            case "close":
                events = try tickets.close(
                    id, reason: TicketCloseReason(rawValue: argument ?? "") ?? .other, actor: actor, note: note, at: at)
            default: events = try tickets.assign(id, to: argument ?? "", actor: actor, note: note, at: at)
            }
            record(events)
        } catch {
            var line = ScenarioLine()
            line.add("refused", "\(verb) \(id)")
            line.add("error", error.code.rawValue)
            ticketLines.append(line.text)
        }
    }

    /// Alert events into the history and the output; tickets for activations that want one.
    mutating func absorb(_ events: [AlertEvent]) {
        for event in events {
            history.append(event)
            alertLines.append(Self.line(event))
            guard event.ticket, event.kind == .activated || event.kind == .severityChanged,
                let utility = event.utility, let policy = policies[event.ruleID] ?? nil
            else { continue }
            record(
                tickets.openOrAppend(
                    rule: event.ruleID, utility: utility, site: event.site, device: event.device, metric: event.metric,
                    alertID: event.alertID, severity: event.severity, risk: event.risk, policy: policy,
                    safety: event.safety, siteFlooding: event.duringFlood, at: engine.wallTime ?? event.time))
        }
    }

    mutating func record(_ events: [TicketEvent]) {
        ticketLines += events.map(Self.line)
    }

    /// State → JSON → state, for the engine and the ticket book, as the daemon does across a restart.
    mutating func restart(announce: Bool, after: String) {
        do {
            let before = engine.state
            let decoded = try JSONDecoder().decode(RuleEngineState.self, from: JSONEncoder().encode(before))
            let restored = RuleEngine(configuration: configuration, state: decoded)
            if restored.state != before { problems.append("after \(after): the restored engine's state differs from the saved one") }
            let bookState = try JSONDecoder().decode(TicketBook.State.self, from: JSONEncoder().encode(tickets.state))
            engine = restored
            tickets = TicketBook(state: bookState, calendar: calendar)
        } catch {
            problems.append("after \(after): the snapshot does not round-trip through JSON: \(error)")
            return
        }
        if announce { alertLines.append(#"{"restart":true}"#) }
        absorb(engine.restoreEvents)
    }

    // MARK: projections

    static func line(_ event: AlertEvent) -> String {
        var line = ScenarioLine()
        line.add("alert_id", event.alertID)
        line.add("rule_id", event.ruleID)
        line.add("device", "\(event.site)/\(event.device)")
        line.add("metric", event.metric)
        line.add("kind", event.kind.rawValue)
        line.add("state", event.state.rawValue)
        line.add("severity", event.severity.rawValue)
        line.add("value", number: event.value)
        line.add("threshold", number: event.threshold)
        line.add("time", time: event.time)
        line.add("actor", event.actor)
        line.add("note", event.note)
        var flags: [String] = []
        if event.safety { flags.append("safety") }
        if event.ticket { flags.append("ticket") }
        if event.shelved { flags.append("shelved") }
        if event.suppressed { flags.append("suppressed") }
        if event.outOfService { flags.append("out_of_service") }
        if event.duringFlood { flags.append("during_flood") }
        line.add("flags", list: flags)
        line.add("shelved_until", time: event.shelvedUntil)
        return line.text
    }

    static func line(_ event: TicketEvent) -> String {
        var line = ScenarioLine()
        line.add("ticket", event.ticketID)
        line.add("kind", event.kind.rawValue)
        line.add("rule_id", event.ruleID)
        line.add("device", "\(event.site)/\(event.device)")
        line.add("alert_id", event.alert?.alertID)
        line.add("severity", event.alert?.severity.rawValue)
        line.add("step", event.step?.rawValue)
        line.add("next_step", event.nextStep?.rawValue)
        line.add("deadline", time: event.deadline)
        line.add("at", time: event.at)
        line.add("actor", event.actor)
        line.add("assignee", event.assignee)
        line.add("close_reason", event.closeReason?.rawValue)
        line.add("escalation_level", integer: event.escalationLevel)
        line.add("note", event.note)
        return line.text
    }
}
