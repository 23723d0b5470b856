import GatewayCore
import GatewayQuery
import GatewayRules
import GatewayStore
import Hummingbird
import NIOPosix

/// `GET /`: the status page. `?utility=`, `?site=` and `?device=` narrow the device list.
enum StatusPageEndpoint {
    static let parameters = ["utility", "site", "device"]
    static let maxDevices = 50
    static let window: EpochMillis = 24 * 3_600_000
    /// Alerts and tickets shown; the page says how many more there are.
    static let maxAlerts = 20
    static let maxTickets = 20
    /// Open alerts and tickets read to pick the first ones and to count them (a count at this
    /// limit means at least that many).
    static let scanLimit = 1_000

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
                let alerts = try openAlerts(environment.reader)
                let tickets = try openTickets(environment.reader)
                return StatusPageModel(
                    status: try environment.status(), generatedAt: now,
                    recentQuarantine: try environment.reader.quarantine(QuarantineFilter(limit: 10)),
                    trends: trends.trends, trendWindow: (now - window)...now, devicesTotal: trends.devicesTotal,
                    devicesShown: min(trends.devicesTotal, maxDevices),
                    deviceFilter: [("utility", utility?.rawValue), ("site", site), ("device", device)].compactMap { key, value in
                        value.map { (key: key, value: $0) }
                    }, activeAlerts: alerts.shown, openAlertsTotal: alerts.total, openTickets: tickets.shown,
                    openTicketsTotal: tickets.total)
            }
        } catch {
            throw APIError.internalFailure("gathering the status page", error)
        }
        return Response(
            status: .ok, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: StatusPageRenderer.render(model))))
    }

    /// Open alerts, most severe first: critical before warning, then unacknowledged before
    /// acknowledged before pending, then the most recently begun.
    static func openAlerts(_ reader: StoreReader) throws -> (shown: [AlertEvent], total: Int) {
        let rows = try reader.alerts(AlertFilter(states: AlertStateSelection.open, limit: scanLimit))
        func key(_ row: AlertRow) -> (Int, Int, EpochMillis) {
            let severity = row.severity == Severity.critical.rawValue ? 0 : 1
            let state: Int =
                switch AlertState(rawValue: row.state) {
                case .activeUnack: 0
                case .clearedUnack: 1
                case .activeAck: 2
                default: 3
                }
            return (severity, state, -row.since)
        }
        let ordered = rows.sorted { lhs, rhs in
            let (left, right) = (key(lhs), key(rhs))
            return left != right ? left < right : lhs.id < rhs.id
        }
        return (try ordered.prefix(maxAlerts).map { try StoredBody.alertEvent($0.body) }, rows.count)
    }

    /// Open tickets, the earliest deadline first.
    static func openTickets(_ reader: StoreReader) throws -> (shown: [Ticket], total: Int) {
        let rows = try reader.tickets(TicketFilter(state: "open", limit: scanLimit))
        let ordered = rows.sorted { ($0.deadline ?? .max, $0.id) < ($1.deadline ?? .max, $1.id) }
        return (try ordered.prefix(maxTickets).map { try StoredBody.ticket($0.body) }, rows.count)
    }
}
