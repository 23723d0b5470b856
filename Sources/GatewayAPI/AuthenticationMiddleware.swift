import Hummingbird

/// Who may do what (the API's authentication rule):
///
/// - With a token file, every request needs `Authorization: Bearer <token>`, except the health
///   probes `/healthz` and `/readyz`, which reveal nothing and must work for systemd and load
///   balancers. The token's name becomes the request's actor.
/// - Without a token file, the listener is local-only (the configuration refuses anything else),
///   and read-only requests (GET, HEAD) are served without a token; every request that changes
///   state is refused, because a change must be attributable to an operator.
struct AuthenticationMiddleware: RouterMiddleware {
    typealias Context = APIRequestContext
    let tokens: APITokens?

    static let openPaths: Set<String> = ["/healthz", "/readyz"]

    func handle(
        _ request: Request, context: APIRequestContext, next: (Request, APIRequestContext) async throws -> Response
    ) async throws -> Response {
        var context = context
        let readOnly = request.method == .get || request.method == .head
        let presented = bearerToken(request)
        if let tokens {
            if let presented {
                guard let actor = tokens.actor(for: presented.utf8) else {
                    throw unauthorized("the bearer token is not one of the API's tokens")
                }
                context.actor = actor
            } else if !Self.openPaths.contains(request.uri.path) {
                throw unauthorized("this API needs `Authorization: Bearer <token>` (a token from api.token_file)")
            }
        } else if !readOnly {
            throw APIError(
                .forbidden, "token_required",
                "changes need an operator token, and no api.token_file is configured; add one so changes are attributable")
        }
        return try await next(request, context)
    }

    private func bearerToken(_ request: Request) -> Substring? {
        guard let value = request.headers[.authorization] else { return nil }
        let prefix = "Bearer "
        guard value.count > prefix.count, value.prefix(prefix.count).lowercased() == prefix.lowercased() else { return nil }
        return value.dropFirst(prefix.count)
    }

    private func unauthorized(_ message: String) -> APIError {
        var error = APIError(.unauthorized, "unauthorized", message)
        error.headers[.wwwAuthenticate] = "Bearer realm=\"utility-gateway\""
        return error
    }
}
