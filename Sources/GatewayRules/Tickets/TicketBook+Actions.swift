import Foundation
import GatewayCore

/// The operator's verbs. Each takes an actor (non-empty after trimming) and an optional note,
/// changes nothing when refused (`TicketRefusal`), and otherwise returns the events it appended.
///
/// Steps are done strictly in order and none may be skipped: the handbook's archive keeps a record
/// of every step, and a desk that skipped one would leave a hole in it. An operator who handled a
/// fault during the visit does `investigate` and then `handle`, each with its own note. A verb for
/// a step already done, or for a later step, is refused with the step the ticket is at.
extension TicketBook {
    public mutating func accept(_ id: String, actor: String, note: String? = nil, at now: EpochMillis)
        throws(TicketRefusal) -> [TicketEvent]
    {
        try complete(.accept, ticket: id, actor: actor, note: note, at: now)
    }

    public mutating func investigate(_ id: String, actor: String, note: String? = nil, at now: EpochMillis)
        throws(TicketRefusal) -> [TicketEvent]
    {
        try complete(.investigate, ticket: id, actor: actor, note: note, at: now)
    }

    public mutating func handle(_ id: String, actor: String, note: String? = nil, at now: EpochMillis)
        throws(TicketRefusal) -> [TicketEvent]
    {
        try complete(.handle, ticket: id, actor: actor, note: note, at: now)
    }

    public mutating func feedback(_ id: String, actor: String, note: String? = nil, at now: EpochMillis)
        throws(TicketRefusal) -> [TicketEvent]
    {
        try complete(.feedback, ticket: id, actor: actor, note: note, at: now)
    }

    /// Marks `step` done. The next step starts now, with its deadline from now; after `feedback`
    /// the ticket closes with reason `completed` (events `step_done`, then `closed`).
    public mutating func complete(
        _ step: TicketStep, ticket id: String, actor: String, note: String? = nil, at now: EpochMillis
    ) throws(TicketRefusal) -> [TicketEvent] {
        let (position, actor) = try locate(id, actor: actor)
        let ticket = state.tickets[position]
        try requireOpen(ticket, for: step.rawValue)
        if step.order < ticket.step.order {
            let done = ticket.steps.first { $0.step == step }?.doneAt.map { " at \(RFC3339.format($0))" } ?? ""
            throw TicketRefusal(
                .stepAlreadyDone, ticketID: id,
                "ticket \(id): \(step.rawValue) was already done\(done); it is at step \(ticket.step.rawValue)")
        }
        if step.order > ticket.step.order {
            throw TicketRefusal(
                .stepOutOfOrder, ticketID: id,
                "ticket \(id) is at step \(ticket.step.rawValue): do \(ticket.step.rawValue) before \(step.rawValue)"
                    + " (steps are done in order: accept, investigate, handle, feedback)")
        }
        let note = Self.clean(note)
        let nextRecord = step.next.map { startRecord($0, of: ticket, at: now) }
        return update(at: position) { ticket in
            ticket.steps[ticket.steps.count - 1].doneAt = now
            ticket.steps[ticket.steps.count - 1].doneBy = actor
            guard let nextRecord else {
                ticket.status = .closed
                ticket.closeReason = .completed
                ticket.closedAt = now
                var done = TicketEvent(.stepDone, ticket, at: now, actor: actor, note: note)
                done.step = step
                done.deadline = nil
                var closed = TicketEvent(.closed, ticket, at: now, actor: actor)
                closed.step = step
                closed.closeReason = .completed
                return [done, closed]
            }
            ticket.steps.append(nextRecord)
            ticket.step = nextRecord.step
            var done = TicketEvent(.stepDone, ticket, at: now, actor: actor, note: note)
            done.step = step
            done.nextStep = nextRecord.step
            return [done]
        }
    }

    /// Closes the ticket from any step. `completed` is refused: only `feedback` completes a ticket.
    public mutating func close(
        _ id: String, reason: TicketCloseReason, actor: String, note: String? = nil, at now: EpochMillis
    ) throws(TicketRefusal) -> [TicketEvent] {
        let (position, actor) = try locate(id, actor: actor)
        try requireOpen(state.tickets[position], for: "close")
        guard reason != .completed else {
            throw TicketRefusal(
                .reasonNotAllowed, ticketID: id,
                "ticket \(id): close reason completed is set by the feedback step;"
                    + " use one of false_alarm, duplicate, resolved, other")
        }
        let note = Self.clean(note)
        return update(at: position) { ticket in
            let step = ticket.step
            ticket.status = .closed
            ticket.closeReason = reason
            ticket.closedAt = now
            var event = TicketEvent(.closed, ticket, at: now, actor: actor, note: note)
            event.step = step
            event.closeReason = reason
            return [event]
        }
    }

    /// Sets (or changes) the assignee of an open ticket.
    public mutating func assign(
        _ id: String, to assignee: String, actor: String, note: String? = nil, at now: EpochMillis
    ) throws(TicketRefusal) -> [TicketEvent] {
        let (position, actor) = try locate(id, actor: actor)
        try requireOpen(state.tickets[position], for: "assign")
        guard let assignee = Self.clean(assignee) else {
            throw TicketRefusal(.assigneeMissing, ticketID: id, "ticket \(id): assign needs the assignee's name")
        }
        let note = Self.clean(note)
        return update(at: position) { ticket in
            ticket.assignee = assignee
            var event = TicketEvent(.assigned, ticket, at: now, actor: actor, note: note)
            event.assignee = assignee
            return [event]
        }
    }

    /// Adds a note — also to a closed ticket (a customer's later call belongs in the archive).
    public mutating func note(_ id: String, _ text: String, actor: String, at now: EpochMillis)
        throws(TicketRefusal) -> [TicketEvent]
    {
        let (position, actor) = try locate(id, actor: actor)
        guard let text = Self.clean(text) else {
            throw TicketRefusal(.noteMissing, ticketID: id, "ticket \(id): a note needs some text")
        }
        return update(at: position) { ticket in
            [TicketEvent(.noted, ticket, at: now, actor: actor, note: text)]
        }
    }

    // MARK: checks

    private func locate(_ id: String, actor: String) throws(TicketRefusal) -> (Int, String) {
        guard let position = positionByID[id] else {
            throw TicketRefusal(.ticketNotFound, ticketID: id, "no ticket \(id)")
        }
        guard let actor = Self.clean(actor) else {
            throw TicketRefusal(
                .actorMissing, ticketID: id, "ticket \(id): every ticket action needs an actor (who did it)")
        }
        return (position, actor)
    }

    private func requireOpen(_ ticket: Ticket, for action: String) throws(TicketRefusal) {
        guard !ticket.isOpen else { return }
        let reason = ticket.closeReason?.rawValue ?? "closed"
        let when = ticket.closedAt.map { " at \(RFC3339.format($0))" } ?? ""
        throw TicketRefusal(
            .ticketClosed, ticketID: ticket.id,
            "ticket \(ticket.id) was closed (\(reason))\(when): \(action) needs an open ticket;"
                + " a closed ticket takes only notes")
    }

    static func clean(_ text: String?) -> String? {
        guard let trimmed = text?.trimmingCharacters(in: .whitespacesAndNewlines), !trimmed.isEmpty else { return nil }
        return trimmed
    }
}
