import Foundation
import GatewayQuery
import Hummingbird

/// An error answer of the API: an HTTP status, a stable machine-readable code and a sentence that
/// says what was wrong and what was expected. The body is always
/// `{"error": {"code": "…", "message": "…"}}`, whatever went wrong, so that scripts can rely on it.
public struct APIError: HTTPResponseError, Sendable, CustomStringConvertible {
    public var status: HTTPResponse.Status
    public var code: String
    public var message: String
    /// Extra headers (`WWW-Authenticate` on 401).
    public var headers: HTTPFields = [:]

    public init(_ status: HTTPResponse.Status, _ code: String, _ message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    public var description: String { "\(status.code) \(code): \(message)" }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers = self.headers
        headers[.contentType] = "application/json; charset=utf-8"
        headers[.cacheControl] = "no-store"
        let body = "{\"error\": {\"code\": \(JSONRenderer.quote(code)), \"message\": \(JSONRenderer.quote(message))}}\n"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    static func badParameter(_ name: String, _ message: String) -> APIError {
        APIError(.badRequest, "bad_parameter", "\(name): \(message)")
    }

    static func internalFailure(_ what: String, _ error: any Error) -> APIError {
        APIError(.internalServerError, "internal", "\(what) failed: \(error)")
    }
}
