import Foundation
import GatewayCore
import GatewayQuery
import GatewayStore
import Hummingbird
import NIOPosix

/// `/api/v1/status`, `/metrics`, `/healthz`, `/readyz`: the small endpoints that answer from the
/// live state and the store's counts.
enum OperatorEndpoints {
    static func status(_ request: Request, _ environment: GatewayAPIEnvironment) async throws -> Response {
        _ = try QueryParameters(request, allowed: [], now: environment.clock.now())
        let document: GatewayStatus
        do {
            document = try await NIOThreadPool.singleton.runIfActive { try environment.status() }
        } catch {
            throw APIError.internalFailure("reading the store's counts", error)
        }
        return Response(
            status: .ok, headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: try document.jsonText())))
    }

    /// Prometheus text exposition (format 0.0.4).
    static func metrics(_ request: Request, _ environment: GatewayAPIEnvironment) async throws -> Response {
        if let counts = try? await NIOThreadPool.singleton.runIfActive({ try environment.storeCounts() }) {
            environment.sampler.refresh(from: counts)
        }
        let text = environment.registry.emitToBuffer()
        return Response(
            status: .ok,
            headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(bytes: text)))
    }

    /// Live: the process answers. Nothing else is checked, so that a broker outage never makes a
    /// supervisor restart a gateway that is correctly buffering.
    static func healthz(_ request: Request, _ environment: GatewayAPIEnvironment) -> Response {
        plain(.ok, "{\"status\": \"ok\"}\n")
    }

    /// Ready: the store is open (migrations done), the broker connected and every subscription
    /// acknowledged. 503 with the reasons otherwise.
    static func readyz(_ request: Request, _ environment: GatewayAPIEnvironment) -> Response {
        let reasons = environment.unreadyReasons
        let list = reasons.map(JSONRenderer.quote).joined(separator: ", ")
        return plain(
            reasons.isEmpty ? .ok : .serviceUnavailable,
            "{\"ready\": \(reasons.isEmpty), \"reasons\": [\(list)]}\n")
    }

    private static func plain(_ status: HTTPResponse.Status, _ body: String) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}
