import Foundation
import GatewayCore
import GatewayIngest
import GatewayMQTT
import GatewayStore
import GatewayTestSupport
import Hummingbird
import HummingbirdTesting
import Logging
import Prometheus

@testable import GatewayAPI

/// A clock that says what the test wants.
struct FixedClock: WallClock {
    let millis: EpochMillis
    func now() -> EpochMillis { millis }
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

    /// `devices` water devices `p-0…` with `pressure` and `flow`, one reading a minute for
    /// `minutes` minutes up to `testNow`; values are the minute index. Plus `quarantined` records.
    init(devices: Int = 3, minutes: Int = 120, quarantined: Int = 5) throws {
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
        reader = try StoreReader(path: directory.file("gateway.sqlite").path)
        let factory = PrometheusMetricsFactory(registry: registry)
        counters = IngestCounters(routeIDs: ["water", "power"], metricsFactory: factory, startedAt: testNow - 90_000)
        link = BrokerLinkTracker(filters: ["w/+/+", "p/#"], clock: FixedClock(millis: testNow), metricsFactory: factory)
        environment = GatewayAPIEnvironment(
            gatewayID: "site-test", brokerURL: "mqtt://127.0.0.1:1883", startedAt: testNow - 90_000,
            clock: FixedClock(millis: testNow), counters: counters, link: link, reader: reader, registry: registry)
        environment.storeReady.store(true, ordering: .relaxed)
    }

    /// Connected, every subscription granted.
    func connectFully() {
        link.apply(.connected(sessionPresent: false))
        link.apply(.subscribed(filter: "w/+/+", grantedQoS: 1))
        link.apply(.subscribed(filter: "p/#", grantedQoS: 1))
    }

    func application(tokens: APITokens? = nil) -> some ApplicationProtocol {
        Application(router: APIRouter.make(environment: environment, tokens: tokens))
    }

    deinit {
        try? store.close()
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
}

/// A valid token file: two operators.
let tokenFileText = """
    # operators of site-test
    alice 0123456789abcdef0123456789abcdef0123456789abcdef
    bob   fedcba9876543210fedcba9876543210fedcba9876543210

    """
let aliceToken = "0123456789abcdef0123456789abcdef0123456789abcdef"
