import GatewayAlerting
import Hummingbird

/// The API's routes, in one place (README "HTTP API" documents each):
///
/// | route | what |
/// |---|---|
/// | `GET /` | status page (HTML) |
/// | `GET /api/v1/status` | status document (JSON) |
/// | `GET /api/v1/readings` | readings, filters and cursor pagination (JSON or CSV) |
/// | `GET /api/v1/quarantine` | quarantine records, same conventions |
/// | `GET /api/v1/alerts` | alert episodes (default `state=open`), filters, JSON or CSV |
/// | `GET /api/v1/alerts/{id}` | one alert (404 if unknown) |
/// | `GET /api/v1/alerts/{id}/history` | its transitions, oldest first |
/// | `POST /api/v1/alerts/{id}/ack`, `…/shelve`, `…/unshelve` | operator actions; 200 with the alert |
/// | `GET /api/v1/devices` | devices of the store's series, with out-of-service periods |
/// | `POST /api/v1/devices/{device}/out-of-service`, `…/in-service` | maintenance; 200 with the device |
/// | `GET /api/v1/tickets` | service tickets (default `state=open`), filters, JSON or CSV |
/// | `GET /api/v1/tickets/{id}` | `{"ticket", "history", "steps"}` |
/// | `POST /api/v1/tickets/{id}/{accept,investigate,handle,feedback,close,assign,note}` | steps; 200 with the ticket |
/// | `GET /metrics` | Prometheus text exposition |
/// | `GET /healthz`, `GET /readyz` | liveness, readiness |
///
/// `POST` bodies are small JSON objects of strings (``OperatorRequestBody``); the actor is the
/// token's name; the rules stage's refusals are 404 / 409 / 400 with its code; without a rules
/// stage, 503 `rules_unavailable`.
public enum APIRouter {
    public static func make(
        environment: GatewayAPIEnvironment, tokens: APITokens?
    ) -> Router<APIRequestContext> {
        let router = Router(context: APIRequestContext.self)
        router.middlewares.add(AuthenticationMiddleware(tokens: tokens))
        router.get("/") { request, _ in try await StatusPageEndpoint.handle(request, environment) }
        router.get("/api/v1/status") { request, _ in try await OperatorEndpoints.status(request, environment) }
        router.get("/api/v1/readings") { request, _ in try await ReadingsEndpoint.handle(request, environment) }
        router.get("/api/v1/quarantine") { request, _ in try await QuarantineEndpoint.handle(request, environment) }
        addRules(to: router, environment)
        router.get("/metrics") { request, _ in try await OperatorEndpoints.metrics(request, environment) }
        router.get("/healthz") { request, _ in OperatorEndpoints.healthz(request, environment) }
        router.get("/readyz") { request, _ in OperatorEndpoints.readyz(request, environment) }
        return router
    }

    /// Alerts, devices and tickets.
    private static func addRules(to router: Router<APIRequestContext>, _ environment: GatewayAPIEnvironment) {
        router.get("/api/v1/alerts") { request, _ in try await AlertsEndpoint.list(request, environment) }
        router.get("/api/v1/alerts/:id") { request, context in
            try await AlertsEndpoint.show(request, context, environment)
        }
        router.get("/api/v1/alerts/:id/history") { request, context in
            try await AlertsEndpoint.history(request, context, environment)
        }
        for verb in AlertActionsEndpoint.Verb.allCases {
            router.post("/api/v1/alerts/:id/\(verb.rawValue)") { request, context in
                try await AlertActionsEndpoint.handle(verb, request, context, environment)
            }
        }
        router.get("/api/v1/devices") { request, _ in try await DevicesEndpoint.list(request, environment) }
        for verb in DeviceServiceEndpoint.Verb.allCases {
            router.post("/api/v1/devices/:device/\(verb.rawValue)") { request, context in
                try await DeviceServiceEndpoint.handle(verb, request, context, environment)
            }
        }
        router.get("/api/v1/tickets") { request, _ in try await TicketsEndpoint.list(request, environment) }
        router.get("/api/v1/tickets/:id") { request, context in
            try await TicketsEndpoint.show(request, context, environment)
        }
        for action in TicketAction.allCases {
            router.post("/api/v1/tickets/:id/\(action.rawValue)") { request, context in
                try await TicketActionsEndpoint.handle(action, request, context, environment)
            }
        }
    }
}
