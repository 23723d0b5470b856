import Hummingbird

/// The API's routes, in one place (README "HTTP API" documents each):
///
/// | route | what |
/// |---|---|
/// | `GET /` | status page (HTML) |
/// | `GET /api/v1/status` | status document (JSON) |
/// | `GET /api/v1/readings` | readings, filters and cursor pagination (JSON or CSV) |
/// | `GET /api/v1/quarantine` | quarantine records, same conventions |
/// | `GET /metrics` | Prometheus text exposition |
/// | `GET /healthz`, `GET /readyz` | liveness, readiness |
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
        router.get("/metrics") { request, _ in try await OperatorEndpoints.metrics(request, environment) }
        router.get("/healthz") { request, _ in OperatorEndpoints.healthz(request, environment) }
        router.get("/readyz") { request, _ in OperatorEndpoints.readyz(request, environment) }
        return router
    }
}
