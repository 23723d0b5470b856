import GatewayCore
import GatewayQuery
import GatewayStore
import Hummingbird
import NIOPosix

/// `GET /api/v1/readings`: stored readings, newest first, with the CLI's filters
/// (`utility`, `site`, `device`, `metric`, `since`, `until`), `limit` (1…1000, default 100) and
/// `cursor` (the previous page's `next_cursor`).
enum ReadingsEndpoint {
    static let parameters = ["utility", "site", "device", "metric", "since", "until", "limit", "cursor"]
    static let columns = ["seq", "utility", "site", "device", "metric", "value", "unit", "ts", "received_at"]

    static func handle(_ request: Request, _ environment: GatewayAPIEnvironment) async throws -> Response {
        let query = try QueryParameters(request, allowed: parameters, now: environment.clock.now())
        let limit = try query.integer(
            "limit", in: 1...ListingResponse.maximumPageSize, default: ListingResponse.defaultPageSize)
        let filter = ReadingFilter(
            utility: try query.oneOf("utility", Utility.self), site: try query.text("site"),
            device: try query.text("device"), metric: try query.text("metric"), since: try query.time("since"),
            until: try query.time("until"), limit: limit + 1, after: try PageCursor.reading(query.text("cursor")))
        let reader = environment.reader
        let found: [Reading]
        do {
            // SQLite reads block: run them on NIO's thread pool, not on an event loop or the
            // (two-thread) Swift concurrency pool.
            found = try await NIOThreadPool.singleton.runIfActive { try reader.readings(filter) }
        } catch {
            throw APIError.internalFailure("reading the store", error)
        }
        let page = found.prefix(limit)
        let next = found.count > limit ? page.last.map {
            PageCursor.encode(ReadingCursor(timestamp: $0.timestamp, seq: $0.seq ?? 0))
        } : nil
        return ListingResponse.make(request, records: page.map(Record.init(reading:)), columns: columns, nextCursor: next)
    }
}
