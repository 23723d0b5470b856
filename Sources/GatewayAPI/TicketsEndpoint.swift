import GatewayCore
import GatewayQuery
import GatewayRules
import GatewayStore
import Hummingbird

/// `GET /api/v1/tickets` and `GET /api/v1/tickets/{id}`: service tickets from the store.
///
/// The listing's filters: `state` (`open`, the default; `closed`; `all`), `step` (accept,
/// investigate, handle, feedback), `utility`, `site`, `device`, `rule`, `overdue=true` (open
/// tickets past their current step's deadline), `limit` (1…1000, default 100). The most recently
/// opened first; no cursor.
///
/// One ticket is `{"ticket": {…}, "history": […], "steps": […]}`: the listing's object, its history
/// (the service archive, oldest first) and one entry per step started (`step`, `started_at`,
/// `deadline`, `done_at`, `done_by`, `overdue` yes/no: done, or still open, after its deadline).
enum TicketsEndpoint {
    static let parameters = ["state", "step", "utility", "site", "device", "rule", "overdue", "limit"]
    static let stepColumns = ["step", "started_at", "deadline", "done_at", "done_by", "overdue"]

    enum StateSelection: String, CaseIterable {
        case open, closed, all
    }

    static func list(_ request: Request, _ environment: GatewayAPIEnvironment) async throws -> Response {
        let now = environment.clock.now()
        let query = try QueryParameters(request, allowed: parameters, now: now)
        let state = try query.oneOf("state", StateSelection.self) ?? .open
        let overdue = try query.oneOf("overdue", BooleanText.self)
        if overdue == .false {
            throw APIError.badParameter("overdue", "only 'true' narrows the listing; leave it out for any")
        }
        let filter = TicketFilter(
            state: state == .all ? nil : state.rawValue, step: try query.oneOf("step", TicketStep.self)?.rawValue,
            utility: try query.oneOf("utility", Utility.self), site: try query.text("site"),
            device: try query.text("device"), rule: try query.text("rule"), overdueAt: overdue == .true ? now : nil,
            limit: try query.integer(
                "limit", in: 1...ListingResponse.maximumPageSize, default: ListingResponse.defaultPageSize))
        let reader = environment.reader
        let records = try await OperatorAction.run("reading the tickets") {
            try reader.tickets(filter).map { Record(ticket: try StoredBody.ticket($0.body), now: now) }
        }
        return ListingResponse.make(request, records: records, columns: Record.ticketColumns, nextCursor: nil)
    }

    static func show(_ request: Request, _ context: APIRequestContext, _ environment: GatewayAPIEnvironment) async throws
        -> Response
    {
        let now = environment.clock.now()
        _ = try QueryParameters(request, allowed: [], now: now)
        let id = try PathParameter.text(context, "id")
        let reader = environment.reader
        let found = try await OperatorAction.run("reading the ticket") { () -> (Ticket, [Record])? in
            guard let row = try reader.ticket(id: id) else { return nil }
            let history = try reader.ticketHistory(id: id).map { Record(ticketHistory: try StoredBody.ticketEvent($0.body)) }
            return (try StoredBody.ticket(row.body), history)
        }
        guard let (ticket, history) = found else {
            throw APIError(
                .notFound, "ticket_not_found",
                "no ticket \(id): expected the id of a ticket as listed by GET /api/v1/tickets, such as T3")
        }
        let document = "{\"ticket\": \(RecordJSON.object(Record(ticket: ticket, now: now))), "
            + "\"history\": \(RecordJSON.array(history)), \"steps\": \(RecordJSON.array(steps(ticket, now: now)))}"
        return RecordJSON.response(document)
    }

    /// One record per step started; `overdue` when done after its deadline, or not done and past it
    /// (at `now` while open, at the closing time once closed).
    static func steps(_ ticket: Ticket, now: EpochMillis) -> [Record] {
        ticket.steps.map { step in
            let end = step.doneAt ?? (ticket.isOpen ? now : ticket.closedAt ?? now)
            return Record([
                ("step", .text(step.step.rawValue)), ("started_at", .text(RFC3339.format(step.startedAt))),
                ("deadline", .text(RFC3339.format(step.deadline))),
                ("done_at", step.doneAt.map { .text(RFC3339.format($0)) } ?? .null),
                ("done_by", step.doneBy.map(Cell.text) ?? .null),
                ("overdue", .text(step.overdue || end > step.deadline ? "yes" : "no")),
            ])
        }
    }
}
