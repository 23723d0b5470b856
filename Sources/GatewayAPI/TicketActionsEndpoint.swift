import GatewayAlerting
import GatewayQuery
import GatewayRules
import Hummingbird

/// `POST /api/v1/tickets/{id}/{accept|investigate|handle|feedback|close|assign|note}`: the
/// service handbook's steps and the ticket's bookkeeping, through the rules stage, by the token's
/// operator. Answers 200 with the ticket object as `GET /api/v1/tickets` lists it.
///
/// Body (JSON, optional except for `assign` and `note`): `{"note"?}`; `close` also takes
/// `"reason"` (false_alarm, duplicate, resolved — the default — or other); `assign` needs
/// `"assignee"`; `note` needs `"note"`. A step out of order is 409 `step_out_of_order` with the
/// reason.
enum TicketActionsEndpoint {
    static let closeReasons = TicketCloseReason.allCases.filter { $0 != .completed }

    static func allowed(_ action: TicketAction) -> [String] {
        switch action {
        case .close: ["note", "reason"]
        case .assign: ["note", "assignee"]
        default: ["note"]
        }
    }

    static func expected(_ action: TicketAction) -> String {
        switch action {
        case .close: "{\"reason\": \"\(closeReasons.map(\.rawValue).joined(separator: "|"))\", \"note\"?} or no body"
        case .assign: "{\"assignee\": \"…\", \"note\"?}"
        case .note: "{\"note\": \"…\"}"
        default: "{\"note\": \"…\"} or no body"
        }
    }

    /// `reason` of `close`: any close reason but `completed`, which only the `feedback` step sets.
    static func closeReason(_ text: String?) throws(APIError) -> TicketCloseReason? {
        guard let text else { return nil }
        guard let reason = TicketCloseReason(rawValue: text), closeReasons.contains(reason) else {
            throw OperatorRequestBody.badBody(
                "'reason': '\(text)' is not one of \(closeReasons.map(\.rawValue).joined(separator: ", "))")
        }
        return reason
    }

    static func handle(
        _ action: TicketAction, _ request: Request, _ context: APIRequestContext, _ environment: GatewayAPIEnvironment
    ) async throws -> Response {
        let now = environment.clock.now()
        _ = try QueryParameters(request, allowed: [], now: now)
        let id = try PathParameter.text(context, "id")
        let actor = try OperatorAction.actor(context)
        let rules = try OperatorAction.rules(environment)
        let body = try await OperatorRequestBody.read(request, allowed: allowed(action), expected: expected(action))
        let note = try body.text("note")
        let assignee = try body.text("assignee")
        let reason = try closeReason(body.text("reason"))
        if action == .assign && assignee == nil {
            throw OperatorRequestBody.badBody("assign needs 'assignee'; expected \(expected(action))")
        }
        if action == .note && note == nil {
            throw OperatorRequestBody.badBody("note needs 'note'; expected \(expected(action))")
        }
        let ticket = try await OperatorAction.run("the ticket \(action.rawValue) action") {
            try rules.ticket(id, action, actor: actor, note: note, assignee: assignee, reason: reason)
        }
        return RecordJSON.response(RecordJSON.object(Record(ticket: ticket, now: environment.clock.now())))
    }
}
