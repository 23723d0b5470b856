import AsyncHTTPClient
import Foundation
import NIOCore

/// GET requests to the daemon's API, with the failures said the way an operator needs them:
/// which address did not answer, and that the database queries work without the daemon.
struct APIClient {
    let baseURL: String
    let token: String?

    /// The body of a 200 answer; anything else becomes a `CtlFailure` that says what to do.
    func get(_ path: String) async throws -> Data {
        var request = HTTPClientRequest(url: baseURL + path)
        request.headers.add(name: "Accept", value: "application/json")
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        let response: HTTPClientResponse
        let body: ByteBuffer
        do {
            response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
            body = try await response.body.collect(upTo: 16 * 1024 * 1024)
        } catch {
            throw CtlFailure(
                "daemon not reachable at \(baseURL) (\(error)); "
                    + "queries still work with --config: utility-gatewayctl readings --config FILE")
        }
        let data = Data(body.readableBytesView)
        guard response.status.code == 200 else {
            let message = Self.errorMessage(data) ?? String(decoding: data.prefix(300), as: UTF8.self)
            switch response.status.code {
            case 401:
                throw CtlFailure(
                    "the API at \(baseURL) refused the request: \(message)"
                        + (token == nil ? " — pass --token-file FILE with your operator token" : ""))
            default:
                throw CtlFailure("the API at \(baseURL) answered \(response.status.code): \(message)")
            }
        }
        return data
    }

    /// `error.message` of the API's JSON error body.
    static func errorMessage(_ data: Data) -> String? {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let error = object["error"] as? [String: Any]
        else { return nil }
        return error["message"] as? String
    }
}
