import AsyncHTTPClient
import Foundation
import NIOCore
import NIOSSL

/// Requests to the daemon's API, with the failures said the way an operator needs them: which
/// address did not answer, which token was refused, and what the API said was wrong.
struct APIClient {
    let baseURL: String
    let token: String?
    /// A CA file to trust instead of the system's roots (a private CA on a plant network).
    var caFile: String?
    /// Where `token` came from, to name it when the API refuses it.
    var tokenFile: String? = nil

    /// What came back: the status and the body.
    struct Answer {
        var status: Int
        var body: Data
    }

    /// The body of a 200 answer; anything else becomes an `APIFailure` that says what to do.
    func get(_ path: String) async throws -> Data {
        let answer = try await send(
            path, body: nil, unreachableAdvice: "queries still work with --config: utility-gatewayctl readings --config FILE")
        guard answer.status == 200 else {
            let error = Self.errorBody(answer.body)
            let message = error.message ?? String(decoding: answer.body.prefix(300), as: UTF8.self)
            if answer.status == 401 {
                throw APIFailure(
                    status: 401, code: error.code,
                    "the API at \(baseURL) refused the request: \(message)"
                        + (token == nil ? " — pass --token-file FILE with your operator token" : ""))
            }
            throw APIFailure(status: answer.status, code: error.code, "the API at \(baseURL) answered \(answer.status): \(message)")
        }
        return answer.body
    }

    /// POSTs `fields` as a JSON object (absent values left out) and returns the body of the 200
    /// answer: the changed object. Changes need the running daemon and, usually, a token.
    func post(_ path: String, _ fields: [String: String?]) async throws -> Data {
        let object = fields.compactMapValues { $0 }
        let body = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        let answer = try await send(
            path, body: body, unreachableAdvice: "changes need the running daemon (listings still work with --config)")
        guard answer.status == 200 else { throw refusal(answer) }
        return answer.body
    }

    /// An operator-facing sentence for a refused change.
    private func refusal(_ answer: Answer) -> APIFailure {
        let error = Self.errorBody(answer.body)
        let message = error.message ?? String(decoding: answer.body.prefix(300), as: UTF8.self)
        let detail = " (HTTP \(answer.status)" + (error.code.map { " \($0)" } ?? "") + ")"
        switch (answer.status, error.code) {
        case (403, "token_required"):
            return APIFailure(
                status: 403, code: error.code,
                "changes need an operator token: the daemon has no api.token_file; add one to its configuration "
                    + "(a `name token` line per operator), restart it and pass your token with --token-file FILE")
        case (401, _):
            guard let tokenFile else {
                return APIFailure(
                    status: 401, code: error.code,
                    "the API at \(baseURL) needs an operator token for changes: pass --token-file FILE (\(message))")
            }
            return APIFailure(
                status: 401, code: error.code, "the API at \(baseURL) refused the token in \(tokenFile): \(message)")
        default:
            return APIFailure(status: answer.status, code: error.code, message + detail)
        }
    }

    /// Sends one request, a POST when it has a body, else a GET; a transport failure becomes
    /// "daemon not reachable" with `unreachableAdvice`.
    private func send(_ path: String, body: Data?, unreachableAdvice: String) async throws -> Answer {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = body == nil ? .GET : .POST
        request.headers.add(name: "Accept", value: "application/json")
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        // A private CA needs a client of its own; otherwise the shared one.
        let owned = caFile.map { caFile in
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.trustRoots = .file(caFile)
            return HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(tlsConfiguration: tls))
        }
        let client = owned ?? HTTPClient.shared
        let response: HTTPClientResponse
        let collected: ByteBuffer
        do {
            response = try await client.execute(request, timeout: .seconds(10))
            collected = try await response.body.collect(upTo: 16 * 1024 * 1024)
        } catch {
            try? await owned?.shutdown()
            throw APIFailure(status: nil, code: nil, "daemon not reachable at \(baseURL) (\(error)); \(unreachableAdvice)")
        }
        try? await owned?.shutdown()
        return Answer(status: Int(response.status.code), body: Data(collected.readableBytesView))
    }

    /// `error.code` and `error.message` of the API's JSON error body.
    static func errorBody(_ data: Data) -> (code: String?, message: String?) {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let error = object["error"] as? [String: Any]
        else { return (nil, nil) }
        return (error["code"] as? String, error["message"] as? String)
    }
}

/// A request the API did not answer with 200, or could not be sent: a sentence for the operator
/// (exit status 1), with the HTTP status (`nil`: not reachable) and the API's error code for callers
/// that can do without the answer.
struct APIFailure: Error, CustomStringConvertible {
    let status: Int?
    let code: String?
    let description: String

    init(status: Int?, code: String?, _ description: String) {
        self.status = status
        self.code = code
        self.description = description
    }
}
