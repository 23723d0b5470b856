import Hummingbird

/// The request context of the API: Hummingbird's core storage plus the operator the request's
/// bearer token belongs to, so that every change can be recorded with who made it.
public struct APIRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The token's name; `nil` for a request without a token (allowed only for reads on a
    /// local-only listener without a token file).
    public var actor: String?

    public init(source: Source) {
        coreContext = .init(source: source)
        actor = nil
    }
}
