import GatewayCore

/// Which tickets to list; every set field must match.
public struct TicketFilter: Sendable, Hashable {
    public var status: TicketStatus?
    /// The current step (open tickets) or the step closed at (closed tickets).
    public var step: TicketStep?
    public var ruleID: String?
    public var utility: Utility?
    public var site: String?
    public var device: String?
    /// Open and past the current step's deadline (`true`), or not (`false`).
    public var overdue: Bool?

    public init(
        status: TicketStatus? = nil, step: TicketStep? = nil, ruleID: String? = nil, utility: Utility? = nil,
        site: String? = nil, device: String? = nil, overdue: Bool? = nil
    ) {
        self.status = status
        self.step = step
        self.ruleID = ruleID
        self.utility = utility
        self.site = site
        self.device = device
        self.overdue = overdue
    }

    public func matches(_ ticket: Ticket, now: EpochMillis) -> Bool {
        if let status, ticket.status != status { return false }
        if let step, ticket.step != step { return false }
        if let ruleID, ticket.ruleID != ruleID { return false }
        if let utility, ticket.utility != utility { return false }
        if let site, ticket.site != site { return false }
        if let device, ticket.device != device { return false }
        if let overdue, ticket.isOverdue(at: now) != overdue { return false }
        return true
    }
}

extension TicketBook {
    /// Every ticket, open and closed, in opening order.
    public var tickets: [Ticket] { state.tickets }

    /// The open tickets in opening order.
    public var openTickets: [Ticket] { state.tickets.filter(\.isOpen) }

    /// A ticket with its history and linked alerts.
    public func ticket(_ id: String) -> Ticket? {
        positionByID[id].map { state.tickets[$0] }
    }

    /// The open ticket for a rule on a device, if any.
    public func openTicket(rule ruleID: String, utility: Utility, site: String, device: String) -> Ticket? {
        openIndex[OpenKey(ruleID: ruleID, utility: utility, site: site, device: device)].map { state.tickets[$0] }
    }

    /// The site's open flood ticket, if any.
    public func openFloodTicket(site: String) -> Ticket? {
        openIndex[.flood(site: site)].map { state.tickets[$0] }
    }

    /// The tickets matching a filter, in opening order; `now` decides `overdue`.
    public func tickets(matching filter: TicketFilter, now: EpochMillis) -> [Ticket] {
        state.tickets.filter { filter.matches($0, now: now) }
    }
}
