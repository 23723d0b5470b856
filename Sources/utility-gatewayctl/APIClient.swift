import AsyncHTTPClient
import Foundation
import NIOCore
import NIOSSL

/// GET requests to the daemon's API, with the failures said the way an operator needs them:
/// which address did not answer, and that the database queries work without the daemon.
struct APIClient {
    let baseURL: String
    let token: String?
    /// A CA file to trust instead of the system's roots (a private CA on a plant network).
    var caFile: String?

    /// The body of a 200 answer; anything else becomes a `CtlFailure` that says what to do.
    func get(_ path: String) async throws -> Data {
        var request = HTTPClientRequest(url: baseURL + path)
        request.headers.add(name: "Accept", value: "application/json")
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        // A private CA needs a client of its own; otherwise the shared one.
        let owned = caFile.map { caFile in
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.trustRoots = .file(caFile)
            return HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(tlsConfiguration: tls))
        }
        let client = owned ?? HTTPClient.shared
        let response: HTTPClientResponse
        let body: ByteBuffer
        do {
            response = try await client.execute(request, timeout: .seconds(10))
            body = try await response.body.collect(upTo: 16 * 1024 * 1024)
        } catch {
            try? await owned?.shutdown()
            throw CtlFailure(
                "daemon not reachable at \(baseURL) (\(error)); "
                    + "queries still work with --config: utility-gatewayctl readings --config FILE")
        }
        try? await owned?.shutdown()
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
