import Foundation
import GatewayCore

/// One item of `GET /api/v1/devices`: `{utility, site, device, out_of_service, until}`
/// (`out_of_service` as `yes`/`no` or a boolean).
struct DeviceServiceState {
    /// Out of service is per (site, device), as the rule engine keys it.
    struct Key: Hashable {
        var site: String
        var device: String
    }

    var utility: Utility?
    var outOfService: Bool
    var until: String?

    static func parse(_ data: Data) throws -> [Key: DeviceServiceState] {
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any],
            let items = object["items"] as? [[String: Any]]
        else { throw CtlFailure("expected {\"items\": [...]}") }
        var result: [Key: DeviceServiceState] = [:]
        for item in items {
            guard let device = item["device"] as? String else { continue }
            let key = Key(site: item["site"] as? String ?? "", device: device)
            result[key] = DeviceServiceState(
                utility: (item["utility"] as? String).flatMap(Utility.init(rawValue:)),
                outOfService: item["out_of_service"] as? Bool ?? (item["out_of_service"] as? String == "yes"),
                until: item["until"] as? String)
        }
        return result
    }
}
