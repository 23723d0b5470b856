import Foundation
import GatewayAlerting
import GatewayCore
import GatewayIngest
import GatewayMQTT
import GatewayStore
import GatewayTestSupport
import Hummingbird
import HTTPTypes
import HummingbirdTesting
import Logging
import Prometheus
import Synchronization

@testable import GatewayAPI

/// A clock that says what the test wants.
struct FixedClock: WallClock {
    let millis: EpochMillis
    func now() -> EpochMillis { millis }
}

/// A wall clock the test moves (ticket deadlines, shelving expiries).
final class MovableClock: WallClock {
    private let millis: Mutex<EpochMillis>
    init(_ start: EpochMillis) { millis = Mutex(start) }
    func now() -> EpochMillis { millis.withLock { $0 } }
    func set(_ value: EpochMillis) { millis.withLock { $0 = value } }
}

/// 2026-11-27T12:00:00Z.
let testNow: EpochMillis = 1_795_780_800_000

/// A real store in a temporary folder with known readings and quarantine records, and an API
/// environment over it; `application(tokens:)` gives a Hummingbird app to test in-process.
final class APIFixture: Sendable {
    let directory: TemporaryDirectory
    let store: ReadingStore
    let reader: StoreReader
    let registry = PrometheusCollectorRegistry()
    let counters: IngestCounters
    let link: BrokerLinkTracker
    let environment: GatewayAPIEnvironment
    /// The wall clock of the environment and of the rules stage; starts at `testNow`.
    let clock = MovableClock(testNow)
    /// A real rules stage over the store, when the fixture was made with rules.
    let rules: RulesStage?

    /// `devices` water devices `p-0…` with `pressure` and `flow`, one reading a minute for
    /// `minutes` minutes up to `testNow`; values are the minute index. Plus `quarantined` records.
    ///
    /// With `rules`, a rules stage evaluates those readings (`catchUp()`, then `tick()` at
    /// `testNow`) before the environment is made, and the environment carries it.
    init(devices: Int = 3, minutes: Int = 120, quarantined: Int = 5, rules configuration: RulesConfiguration? = nil) throws {
        directory = try TemporaryDirectory(prefix: "api-tests")
        var logger = Logger(label: "api-tests")
        logger.logLevel = .critical
        store = try ReadingStore(path: directory.file("gateway.sqlite").path, synchronous: .normal, logger: logger)
        var readings: [Reading] = []
        for device in 0..<devices {
            for minute in 0..<minutes {
                let ts = testNow - EpochMillis((minutes - 1 - minute) * 60_000)
                for metric in [("pressure", "kPa"), ("flow", "m3/h")] {
                    readings.append(Reading(
                        utility: .water, site: "north", device: "p-\(device)", metric: metric.0, value: Double(minute),
                        unit: metric.1, timestamp: ts, receivedAt: ts + 5, quality: [], topic: "w/north/p-\(device)"))
                }
            }
        }
        let records = (0..<quarantined).map { i in
            QuarantineRecord(
                receivedAt: testNow - EpochMillis((quarantined - i) * 1000), topic: "w/north/bad-\(i)",
                route: i % 2 == 0 ? "water" : nil, reason: i % 2 == 0 ? .malformed : .noRoute,
                message: "=cmd|' /C calc'!A0 <script>alert(\(i))</script>", payload: Array("{oops \(i)".utf8))
        }
        _ = try store.commit(IngestBatch(readings: readings, quarantined: records))
        if let configuration {
            let stage = try RulesStage(
                configuration: configuration, store: store, clock: clock, flushInterval: .zero, logger: logger)
            try stage.catchUp()
            try stage.tick()
            rules = stage
        } else {
            rules = nil
        }
        reader = try StoreReader(path: directory.file("gateway.sqlite").path)
        let factory = PrometheusMetricsFactory(registry: registry)
        counters = IngestCounters(routeIDs: ["water", "power"], metricsFactory: factory, startedAt: testNow - 90_000)
        link = BrokerLinkTracker(filters: ["w/+/+", "p/#"], clock: FixedClock(millis: testNow), metricsFactory: factory)
        environment = GatewayAPIEnvironment(
            gatewayID: "site-test", brokerURL: "mqtt://127.0.0.1:1883", startedAt: testNow - 90_000,
            clock: clock, counters: counters, link: link, reader: reader, registry: registry, rules: rules)
        environment.storeReady.store(true, ordering: .relaxed)
    }

    /// Connected, every subscription granted.
    func connectFully() {
        link.apply(.connected(sessionPresent: false))
        link.apply(.subscribed(filter: "w/+/+", grantedQoS: 1))
        link.apply(.subscribed(filter: "p/#", grantedQoS: 1))
    }

    /// The application with the two-operator token file (alice, bob).
    func applicationWithTokens() throws -> some ApplicationProtocol {
        application(tokens: try APITokens(text: tokenFileText, path: "tokens"))
    }

    func application(tokens: APITokens? = nil) -> some ApplicationProtocol {
        Application(router: APIRouter.make(environment: environment, tokens: tokens))
    }

    deinit {
        try? store.close()
    }
}

/// The rules of the alert and ticket tests, over the fixture's readings (values = the minute
/// index, 0…119, for every device): `water.pressure.high` goes warning at minute 101 and critical
/// at 111 on every device, and opens a ticket at critical; `water.flow.high` is a warning at
/// minute 116, without a ticket.
let testRules = RulesConfiguration(rules: [
    RuleDefinition(
        id: "water.pressure.high", match: RuleMatch(utility: .water, metric: Glob("pressure")),
        condition: .above(SeverityLevels(warning: 100, critical: 110)), risk: Risk(level: .high, category: .technical),
        ticket: TicketPolicy(
            when: .critical,
            steps: [
                .accept: .duration(millis: 15 * 60_000), .investigate: .duration(millis: 3_600_000),
                .handle: .duration(millis: 4 * 3_600_000), .feedback: .duration(millis: 86_400_000),
            ])),
    RuleDefinition(
        id: "water.flow.high", match: RuleMatch(utility: .water, metric: Glob("flow")),
        condition: .above(SeverityLevels(warning: 115))),
])

let bobToken = "fedcba9876543210fedcba9876543210fedcba9876543210"

extension TestClientProtocol {
    /// A `POST` with a JSON body (none when `json` is nil) and a bearer token (none when nil).
    func post(_ uri: String, json: String? = nil, token: String? = aliceToken) async throws -> TestResponse {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let token { headers[.authorization] = "Bearer \(token)" }
        return try await executeRequest(uri: uri, method: .post, headers: headers, body: json.map { ByteBuffer(string: $0) })
    }

    /// A `GET` with a bearer token (none when nil).
    func get(_ uri: String, token: String? = aliceToken, accept: String? = nil) async throws -> TestResponse {
        var headers: HTTPFields = [:]
        if let token { headers[.authorization] = "Bearer \(token)" }
        if let accept { headers[.accept] = accept }
        return try await executeRequest(uri: uri, method: .get, headers: headers, body: nil)
    }
}

extension TestResponse {
    var text: String { String(buffer: body) }

    /// The body as a JSON object.
    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]) ?? [:]
    }

    /// `error.code` of an error body.
    var errorCode: String? { (json["error"] as? [String: Any])?["code"] as? String }
    var errorMessage: String { ((json["error"] as? [String: Any])?["message"] as? String) ?? "" }
    /// `items` of a listing.
    var items: [[String: Any]] { (json["items"] as? [[String: Any]]) ?? [] }
}

/// A valid token file: two operators.
let tokenFileText = """
    # operators of site-test
    alice 0123456789abcdef0123456789abcdef0123456789abcdef
    bob   fedcba9876543210fedcba9876543210fedcba9876543210

    """
let aliceToken = "0123456789abcdef0123456789abcdef0123456789abcdef"
