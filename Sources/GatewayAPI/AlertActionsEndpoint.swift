import GatewayAlerting
import GatewayCore
import Hummingbird

/// `POST /api/v1/alerts/{id}/ack`, `…/shelve` and `…/unshelve`: operator actions on an alert,
/// through the rules stage (written to the store before the answer), by the token's operator.
///
/// Bodies (JSON, optional for `ack` and `unshelve`): `{"note": "…"}`; `shelve` needs
/// `{"for": "2h"}` or `{"until": "<RFC 3339>"}`, plus an optional `"note"`. Answers 200 with the
/// alert object as `GET /api/v1/alerts/{id}` shows it after the action.
enum AlertActionsEndpoint {
    enum Verb: String, CaseIterable {
        case ack, shelve, unshelve

        var allowed: [String] { self == .shelve ? ["for", "until", "note"] : ["note"] }

        var expected: String {
            self == .shelve
                ? "{\"for\": \"2h\"} or {\"until\": \"<RFC 3339>\"}, with an optional \"note\"" : "{\"note\": \"…\"} or no body"
        }
    }

    static func handle(
        _ verb: Verb, _ request: Request, _ context: APIRequestContext, _ environment: GatewayAPIEnvironment
    ) async throws -> Response {
        let now = environment.clock.now()
        _ = try QueryParameters(request, allowed: [], now: now)
        let id = try PathParameter.text(context, "id")
        let actor = try OperatorAction.actor(context)
        let rules = try OperatorAction.rules(environment)
        let body = try await OperatorRequestBody.read(request, allowed: verb.allowed, expected: verb.expected)
        let note = try body.text("note")
        let until = try body.expiry(now: now)
        if verb == .shelve && until == nil {
            throw OperatorRequestBody.badBody("shelve needs 'for' or 'until'; expected \(verb.expected)")
        }
        _ = try await OperatorAction.run("the \(verb.rawValue) action") {
            do {
                switch verb {
                case .ack: _ = try rules.acknowledge(alertID: id, actor: actor, note: note)
                case .shelve: _ = try rules.shelve(alertID: id, until: until ?? now, actor: actor, note: note)
                case .unshelve: _ = try rules.unshelve(alertID: id, actor: actor, note: note)
                }
            } catch let error as OperatorActionError where error.kind == .notFound && error.code == "alert_closed" {
                // The action was done and ended the alert (acknowledging a cleared_unack alert):
                // the store has its final state.
            }
        }
        return RecordJSON.response(RecordJSON.object(try await AlertsEndpoint.record(id, environment)))
    }
}
