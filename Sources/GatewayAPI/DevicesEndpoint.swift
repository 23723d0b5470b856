import GatewayCore
import GatewayQuery
import GatewayStore
import Hummingbird

/// `GET /api/v1/devices`: the devices the store knows (from its series), each with whether the
/// rules engine has it out of service and until when. Devices put out of service before they
/// ever reported are listed too (with a null utility).
///
/// Filters `utility`, `site`, `device`, `out_of_service` (`true`/`false`); `limit` (1…1000,
/// default 100). Ordered by utility, site, device; no cursor.
enum DevicesEndpoint {
    static let parameters = ["utility", "site", "device", "out_of_service", "limit"]
    static let columns = ["utility", "site", "device", "out_of_service", "until"]

    static func list(_ request: Request, _ environment: GatewayAPIEnvironment) async throws -> Response {
        let query = try QueryParameters(request, allowed: parameters, now: environment.clock.now())
        let utility = try query.oneOf("utility", Utility.self)
        let site = try query.text("site")
        let device = try query.text("device")
        let outOfService = try query.oneOf("out_of_service", BooleanText.self)?.value
        let limit = try query.integer(
            "limit", in: 1...ListingResponse.maximumPageSize, default: ListingResponse.defaultPageSize)
        let reader = environment.reader
        let known = try await OperatorAction.run("reading the devices") {
            try reader.devices(utility: utility, site: site, device: device)
        }
        var periods: [String: EpochMillis?] = [:]
        for entry in environment.rules?.devicesOutOfService ?? [] {
            periods[key(entry.site, entry.device)] = .some(entry.until)
        }
        var records: [Record] = []
        var listed: Set<String> = []
        for row in known {
            let key = key(row.site, row.device)
            listed.insert(key)
            records.append(record(row.utility.rawValue, row.site, row.device, period: periods[key]))
        }
        if utility == nil {
            for entry in environment.rules?.devicesOutOfService ?? []
            where !listed.contains(key(entry.site, entry.device)) && (site ?? entry.site) == entry.site
                && (device ?? entry.device) == entry.device
            {
                records.append(record(nil, entry.site, entry.device, period: .some(entry.until)))
            }
        }
        if let outOfService {
            records = records.filter { ($0.fields[3].value.text == "yes") == outOfService }
        }
        return ListingResponse.make(request, records: Array(records.prefix(limit)), columns: columns, nextCursor: nil)
    }

    /// `period` is `nil` when the device is in service, `.some(nil)` when out of service until
    /// put back.
    static func record(_ utility: String?, _ site: String, _ device: String, period: EpochMillis??) -> Record {
        Record([
            ("utility", utility.map(Cell.text) ?? .null), ("site", .text(site)), ("device", .text(device)),
            ("out_of_service", .text(period == nil ? "no" : "yes")),
            ("until", period.flatMap { $0 }.map { .text(RFC3339.format($0)) } ?? .null),
        ])
    }

    private static func key(_ site: String, _ device: String) -> String { site + "\u{0}" + device }
}
