import GatewayCore
import GatewayQuery
import GatewayStore
import Hummingbird
import NIOPosix

/// `GET /api/v1/quarantine`: quarantined payloads with their reason, newest first. Filters
/// `route`, `reason`, `topic`, `since`, `until` (time of receipt); `limit`, `cursor`; `payload=true`
/// adds the (cut) payload as text.
enum QuarantineEndpoint {
    static let parameters = ["route", "reason", "topic", "since", "until", "limit", "cursor", "payload"]

    static func handle(_ request: Request, _ environment: GatewayAPIEnvironment) async throws -> Response {
        let query = try QueryParameters(request, allowed: parameters, now: environment.clock.now())
        let limit = try query.integer(
            "limit", in: 1...ListingResponse.maximumPageSize, default: ListingResponse.defaultPageSize)
        let includePayload = try query.oneOf("payload", BooleanText.self)?.value ?? false
        let filter = QuarantineFilter(
            reason: try query.oneOf("reason", QuarantineReason.self), route: try query.text("route"),
            topic: try query.text("topic"), since: try query.time("since"), until: try query.time("until"),
            limit: limit + 1, beforeID: try PageCursor.quarantine(query.text("cursor")))
        let reader = environment.reader
        let found: [StoredQuarantineRecord]
        do {
            found = try await NIOThreadPool.singleton.runIfActive { try reader.quarantine(filter) }
        } catch {
            throw APIError.internalFailure("reading the store", error)
        }
        let page = found.prefix(limit)
        let next = found.count > limit ? page.last.map { PageCursor.encode(quarantineID: $0.id) } : nil
        return ListingResponse.make(
            request,
            records: page.map { Record(quarantineID: $0.id, record: $0.record, includePayload: includePayload) },
            columns: Record.quarantineColumns + (includePayload ? ["payload"] : []), nextCursor: next)
    }
}

/// `true` / `false` as a query value.
enum BooleanText: String, CaseIterable {
    case `true`, `false`
    var value: Bool { self == .true }
}
