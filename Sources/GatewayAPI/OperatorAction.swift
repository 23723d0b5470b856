import GatewayAlerting
import GatewayStore
import Hummingbird
import NIOPosix

/// What every state-changing endpoint checks before it acts, and how the rules stage's refusals
/// become answers: `notFound` → 404, `conflict` → 409, `invalid` → 400, each with the stage's code
/// and message.
enum OperatorAction {
    /// The operator: the name of the request's token. Without one, 403 `token_required` (the
    /// authentication middleware already refuses changes without a token file; this is the
    /// endpoint's own guard).
    static func actor(_ context: APIRequestContext) throws(APIError) -> String {
        guard let actor = context.actor, !actor.isEmpty else {
            throw APIError(
                .forbidden, "token_required",
                "changes need an operator token (Authorization: Bearer <token> from api.token_file); "
                    + "its name is recorded as the actor")
        }
        return actor
    }

    /// The rules stage, or 503 `rules_unavailable` when the daemon runs without one.
    static func rules(_ environment: GatewayAPIEnvironment) throws(APIError) -> RulesStage {
        guard let rules = environment.rules else {
            throw APIError(
                .serviceUnavailable, "rules_unavailable",
                "the rules engine is not running in this daemon, so alerts, tickets and devices cannot be changed")
        }
        return rules
    }

    /// Runs blocking work (an action on the rules stage, which writes the store, or a store read)
    /// on NIO's thread pool, turning a refusal into its answer and anything else into a 500.
    static func run<T: Sendable>(_ what: String, _ body: @escaping @Sendable () throws -> T) async throws -> T {
        do {
            return try await NIOThreadPool.singleton.runIfActive(body)
        } catch let error as APIError {
            throw error
        } catch let error as OperatorActionError {
            throw answer(error)
        } catch {
            throw APIError.internalFailure(what, error)
        }
    }

    static func answer(_ error: OperatorActionError) -> APIError {
        let status: HTTPResponse.Status =
            switch error.kind {
            case .notFound: .notFound
            case .conflict: .conflict
            case .invalid: .badRequest
            }
        return APIError(status, error.code, error.message)
    }
}
