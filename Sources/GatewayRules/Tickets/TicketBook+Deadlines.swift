import GatewayCore

extension TicketBook {
    /// Finds open tickets whose current step is past its deadline at `now` (strictly after it) and
    /// not yet reported: for each, one `overdue` event and one `escalated` event (the ticket's
    /// escalation level rises by one). A step is reported once however often this runs; the next
    /// step, once started, can be reported in its turn. Tickets in id order.
    public mutating func checkDeadlines(now: EpochMillis) -> [TicketEvent] {
        var events: [TicketEvent] = []
        for position in state.tickets.indices {
            let ticket = state.tickets[position]
            guard ticket.isOpen, let current = ticket.steps.last, !current.overdue, now > current.deadline else {
                continue
            }
            events += update(at: position) { ticket in
                ticket.steps[ticket.steps.count - 1].overdue = true
                ticket.escalationLevel += 1
                let overdue = TicketEvent(.overdue, ticket, at: now)
                var escalated = TicketEvent(.escalated, ticket, at: now)
                escalated.escalationLevel = ticket.escalationLevel
                return [overdue, escalated]
            }
        }
        return events
    }

    /// The earliest running deadline not yet reported overdue: when the daemon should next call
    /// `checkDeadlines` (`nil` when there is none).
    public var nextDeadline: EpochMillis? {
        state.tickets.lazy.filter(\.isOpen).compactMap { $0.steps.last }.filter { !$0.overdue }.map(\.deadline).min()
    }
}
