import GatewayCore
import Hummingbird

/// `POST /api/v1/devices/{device}/out-of-service` and `…/in-service`: maintenance periods, through
/// the rules stage, by the token's operator. Answers 200 with the device's row as
/// `GET /api/v1/devices` lists it.
///
/// Body: `{"site"?, "for"? | "until"?, "note"?}` (`in-service`: `{"site"?, "note"?}`). Without
/// `for`/`until` the device stays out of service until put back. The rules engine keys devices by
/// site and id: without `site`, the device id must report from exactly one site in the store (for
/// `in-service`: be out of service at exactly one site), else 400 `site_required` names the sites.
enum DeviceServiceEndpoint {
    enum Verb: String, CaseIterable {
        case outOfService = "out-of-service"
        case inService = "in-service"

        var allowed: [String] { self == .outOfService ? ["site", "for", "until", "note"] : ["site", "note"] }

        var expected: String {
            self == .outOfService
                ? "{\"site\"?, \"for\": \"8h\" or \"until\": \"<RFC 3339>\" (optional: until put back), \"note\"?}"
                : "{\"site\"?, \"note\"?} or no body"
        }
    }

    static func handle(
        _ verb: Verb, _ request: Request, _ context: APIRequestContext, _ environment: GatewayAPIEnvironment
    ) async throws -> Response {
        let now = environment.clock.now()
        _ = try QueryParameters(request, allowed: [], now: now)
        let device = try PathParameter.text(context, "device")
        let actor = try OperatorAction.actor(context)
        let rules = try OperatorAction.rules(environment)
        let body = try await OperatorRequestBody.read(request, allowed: verb.allowed, expected: verb.expected)
        let note = try body.text("note")
        let until = try body.expiry(now: now)
        let site = try await resolveSite(try body.text("site"), device: device, verb: verb, environment)
        try await OperatorAction.run("the \(verb.rawValue) action") {
            switch verb {
            case .outOfService: try rules.setOutOfService(site: site, device: device, until: until, actor: actor, note: note)
            case .inService: try rules.setInService(site: site, device: device, actor: actor, note: note)
            }
        }
        let period = rules.devicesOutOfService.first { $0.site == site && $0.device == device }.map { $0.until }
        let reader = environment.reader
        let utility = try await OperatorAction.run("reading the device") {
            try reader.devices(site: site, device: device).first?.utility.rawValue
        }
        return RecordJSON.response(
            RecordJSON.object(DevicesEndpoint.record(utility, site, device, period: period)))
    }

    /// The site the action is for: the body's, or the only one the device id is known at.
    static func resolveSite(
        _ given: String?, device: String, verb: Verb, _ environment: GatewayAPIEnvironment
    ) async throws -> String {
        if let given { return given }
        let reader = environment.reader
        var sites = try await OperatorAction.run("reading the device's sites") { try reader.sites(ofDevice: device) }
        if verb == .inService {
            let out = (environment.rules?.devicesOutOfService ?? []).filter { $0.device == device }.map(\.site)
            if !out.isEmpty { sites = out.sorted() }
        }
        switch sites.count {
        case 1:
            return sites[0]
        case 0:
            throw APIError(
                .notFound, "unknown_device",
                "no device '\(device)' in the store; give \"site\" in the body to name a device that has not reported yet")
        default:
            throw APIError(
                .badRequest, "site_required",
                "device '\(device)' reports from several sites (\(sites.joined(separator: ", "))); "
                    + "give \"site\" in the body to say which")
        }
    }
}
