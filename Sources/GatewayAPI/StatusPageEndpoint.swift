import GatewayCore
import GatewayStore
import Hummingbird
import NIOPosix

/// `GET /`: the status page. `?utility=`, `?site=` and `?device=` narrow the device list.
enum StatusPageEndpoint {
    static let parameters = ["utility", "site", "device"]
    static let maxDevices = 50
    static let window: EpochMillis = 24 * 3_600_000

    static func handle(_ request: Request, _ environment: GatewayAPIEnvironment) async throws -> Response {
        let now = environment.clock.now()
        let query = try QueryParameters(request, allowed: parameters, now: now)
        let utility = try query.oneOf("utility", Utility.self)
        let site = try query.text("site")
        let device = try query.text("device")
        let filter = TrendFilter(
            utility: utility, site: site, device: device, since: now - window, until: now + 1, buckets: 96,
            maxDevices: maxDevices)
        let model: StatusPageModel
        do {
            model = try await NIOThreadPool.singleton.runIfActive {
                let trends = try environment.reader.trends(filter)
                return StatusPageModel(
                    status: try environment.status(), generatedAt: now,
                    recentQuarantine: try environment.reader.quarantine(QuarantineFilter(limit: 10)),
                    trends: trends.trends, trendWindow: (now - window)...now, devicesTotal: trends.devicesTotal,
                    devicesShown: min(trends.devicesTotal, maxDevices),
                    deviceFilter: [("utility", utility?.rawValue), ("site", site), ("device", device)].compactMap { key, value in
                        value.map { (key: key, value: $0) }
                    })
            }
        } catch {
            throw APIError.internalFailure("gathering the status page", error)
        }
        return Response(
            status: .ok, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: StatusPageRenderer.render(model))))
    }
}
