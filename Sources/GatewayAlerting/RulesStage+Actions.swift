import Foundation
import GatewayCore
import GatewayRules

/// Why an operator action was refused, said so that the API can answer with the right status:
/// `notFound` (404), `conflict` (409: not allowed in the current state), `invalid` (400).
public struct OperatorActionError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable { case notFound, conflict, invalid }
    public var kind: Kind
    /// A stable code (`unknown_alert`, `step_out_of_order`, …).
    public var code: String
    public var message: String
    public var description: String { "\(code): \(message)" }
}

/// A ticket action as operators name it.
public enum TicketAction: String, Sendable, CaseIterable {
    case accept, investigate, handle, feedback, close, assign, note
}

extension RulesStage {
    /// Acknowledges an alert.
    public func acknowledge(alertID: String, actor: String, note: String?) throws -> AlertRecord {
        try alertAction(alertID) { engine, now in
            try engine.acknowledge(alertID: alertID, actor: actor, note: note, at: now)
        }
    }

    /// Shelves an alert until a wall time.
    public func shelve(alertID: String, until: EpochMillis, actor: String, note: String?) throws -> AlertRecord {
        try alertAction(alertID) { engine, now in
            try engine.shelve(alertID: alertID, until: until, actor: actor, note: note, at: now)
        }
    }

    /// Ends an alert's shelving.
    public func unshelve(alertID: String, actor: String, note: String?) throws -> AlertRecord {
        try alertAction(alertID) { engine, now in
            try engine.unshelve(alertID: alertID, actor: actor, note: note, at: now)
        }
    }

    /// Puts a device out of service (until a wall time, or until put back).
    public func setOutOfService(site: String, device: String, until: EpochMillis?, actor: String, note: String?) throws {
        try engineAction { engine, now in
            try engine.setOutOfService(DeviceKey(site: site, device: device), until: until, actor: actor, note: note, at: now)
        }
    }

    /// Puts a device back in service.
    public func setInService(site: String, device: String, actor: String, note: String?) throws {
        try engineAction { engine, now in
            try engine.setInService(DeviceKey(site: site, device: device), actor: actor, note: note, at: now)
        }
    }

    /// Devices out of service now.
    public var devicesOutOfService: [(site: String, device: String, until: EpochMillis?)] {
        inner.withLock { state in
            state.engine.devicesOutOfService.map { ($0.0.site, $0.0.device, $0.1.until) }
        }
    }

    /// A step verb, `close` (with `reason`), `assign` (with `assignee`) or `note` on a ticket.
    public func ticket(
        _ id: String, _ action: TicketAction, actor: String, note: String?, assignee: String? = nil,
        reason: TicketCloseReason? = nil
    ) throws -> Ticket {
        let now = clock.now()
        try inner.withLock { state in
            let events: [TicketEvent]
            do {
                switch action {
                case .accept: events = try state.tickets.accept(id, actor: actor, note: note, at: now)
                case .investigate: events = try state.tickets.investigate(id, actor: actor, note: note, at: now)
                case .handle: events = try state.tickets.handle(id, actor: actor, note: note, at: now)
                case .feedback: events = try state.tickets.feedback(id, actor: actor, note: note, at: now)
                case .close:
                    events = try state.tickets.close(id, reason: reason ?? .resolved, actor: actor, note: note, at: now)
                case .assign:
                    events = try state.tickets.assign(id, to: assignee ?? "", actor: actor, note: note, at: now)
                case .note: events = try state.tickets.note(id, note ?? "", actor: actor, at: now)
                }
            } catch let error as TicketRefusal {
                let kind: OperatorActionError.Kind =
                    switch error.code {
                    case .ticketNotFound: .notFound
                    case .actorMissing, .assigneeMissing, .noteMissing, .reasonNotAllowed: .invalid
                    default: .conflict
                    }
                throw OperatorActionError(kind: kind, code: error.code.rawValue, message: error.message)
            }
            state.pendingTicketEvents += events
            state.dirty = true
            counters.ticketEvents(events)
        }
        try flush(force: true)
        guard let ticket = inner.withLock({ $0.tickets.ticket(id) }) else {
            throw OperatorActionError(kind: .notFound, code: "ticket_not_found", message: "no ticket \(id)")
        }
        return ticket
    }

    private func alertAction(
        _ alertID: String, _ body: (inout RuleEngine, EpochMillis) throws -> [AlertEvent]
    ) throws -> AlertRecord {
        try engineAction(body)
        guard let record = inner.withLock({ $0.engine.alert(id: alertID) }) else {
            // Acknowledging a cleared_unack alert ends it: answer with its last state.
            throw OperatorActionError(kind: .notFound, code: "alert_closed", message: "alert \(alertID) is over")
        }
        return record
    }

    private func engineAction(_ body: (inout RuleEngine, EpochMillis) throws -> [AlertEvent]) throws {
        let now = clock.now()
        try inner.withLock { state in
            do {
                let events = try body(&state.engine, now)
                absorb(events, into: &state)
                state.dirty = true
            } catch let error as RuleEngineError {
                let kind: OperatorActionError.Kind =
                    switch error.code {
                    case "unknown_alert": .notFound
                    case "missing_actor", "expiry_not_in_future": .invalid
                    default: .conflict
                    }
                throw OperatorActionError(kind: kind, code: error.code, message: error.message)
            }
        }
        try flush(force: true)
    }
}
