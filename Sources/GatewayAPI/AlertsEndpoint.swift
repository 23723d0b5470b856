import GatewayCore
import GatewayQuery
import GatewayRules
import GatewayStore
import Hummingbird

/// `GET /api/v1/alerts`, `GET /api/v1/alerts/{id}` and `GET /api/v1/alerts/{id}/history`: alert
/// episodes from the store (they work as long as the store does, rules engine or not).
///
/// The listing's filters: `state` (see ``AlertStateSelection``; default `open`), `severity`,
/// `utility`, `site`, `device`, `rule`, `since` / `until` (on when the episode began; time
/// expressions like the readings'), `limit` (1…1000, default 100). The most recently begun first;
/// no cursor (`next_cursor` is null): narrow the filters instead.
enum AlertsEndpoint {
    static let parameters = ["state", "severity", "utility", "site", "device", "rule", "since", "until", "limit"]

    static func list(_ request: Request, _ environment: GatewayAPIEnvironment) async throws -> Response {
        let query = try QueryParameters(request, allowed: parameters, now: environment.clock.now())
        let filter = AlertFilter(
            states: try AlertStateSelection.parse(query.text("state")),
            severity: try query.oneOf("severity", Severity.self)?.rawValue, utility: try query.oneOf("utility", Utility.self),
            site: try query.text("site"), device: try query.text("device"), rule: try query.text("rule"),
            since: try query.time("since"), until: try query.time("until"),
            limit: try query.integer(
                "limit", in: 1...ListingResponse.maximumPageSize, default: ListingResponse.defaultPageSize))
        let reader = environment.reader
        let records = try await OperatorAction.run("reading the alerts") {
            try reader.alerts(filter).map { Record(alert: try StoredBody.alertEvent($0.body)) }
        }
        return ListingResponse.make(request, records: records, columns: Record.alertColumns, nextCursor: nil)
    }

    static func show(_ request: Request, _ context: APIRequestContext, _ environment: GatewayAPIEnvironment) async throws
        -> Response
    {
        _ = try QueryParameters(request, allowed: [], now: environment.clock.now())
        let id = try PathParameter.text(context, "id")
        return RecordJSON.response(RecordJSON.object(try await record(id, environment)))
    }

    static func history(_ request: Request, _ context: APIRequestContext, _ environment: GatewayAPIEnvironment)
        async throws -> Response
    {
        _ = try QueryParameters(request, allowed: [], now: environment.clock.now())
        let id = try PathParameter.text(context, "id")
        let reader = environment.reader
        let records = try await OperatorAction.run("reading the alert history") {
            try reader.alertHistory(id: id).map { Record(alertHistory: try StoredBody.alertEvent($0.body)) }
        }
        guard !records.isEmpty else { throw unknown(id) }
        return ListingResponse.make(request, records: records, columns: Record.alertHistoryColumns, nextCursor: nil)
    }

    /// The alert as the store has it now (after an action, what the action left).
    static func record(_ id: String, _ environment: GatewayAPIEnvironment) async throws -> Record {
        let reader = environment.reader
        let found = try await OperatorAction.run("reading the alert") {
            try reader.alert(id: id).map { Record(alert: try StoredBody.alertEvent($0.body)) }
        }
        guard let found else { throw unknown(id) }
        return found
    }

    static func unknown(_ id: String) -> APIError {
        APIError(
            .notFound, "unknown_alert",
            "no alert \(id): expected the id of an alert as listed by GET /api/v1/alerts, such as A12")
    }
}
