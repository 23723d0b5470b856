import Foundation
import GatewayCore
import GatewayIngest
import Hummingbird
import HummingbirdTesting
import Testing

@testable import GatewayAPI

/// `/api/v1/status`, `/metrics`, `/healthz`, `/readyz` and `/`.
@Suite struct APIOperatorEndpointTests {
    @Test func statusReportsLinksRoutesRatesAndTheStore() async throws {
        let fixture = try APIFixture(devices: 2, minutes: 30, quarantined: 2)
        fixture.connectFully()
        fixture.counters.recordCommitted(
            [
                MessageOutcome(route: "water", readings: 2, quarantined: 0, receivedAt: testNow - 2_000),
                MessageOutcome(route: "water", readings: 0, quarantined: 1, receivedAt: testNow - 2_000),
                MessageOutcome(route: "-", readings: 0, quarantined: 1, receivedAt: testNow - 2_000),
            ], stored: 2, duplicates: 0, quarantined: 2, committedAt: testNow - 1_500)
        try await fixture.application().test(.router) { client in
            try await client.execute(uri: "/api/v1/status", method: .get) { response in
                #expect(response.status == .ok)
                let json = response.json
                let gateway = try #require(json["gateway"] as? [String: Any])
                #expect(gateway["id"] as? String == "site-test")
                #expect(gateway["version"] as? String == GatewayVersion.current)
                #expect(gateway["uptime_seconds"] as? Double == 90)
                #expect(json["ready"] as? Bool == true)
                let broker = try #require(json["broker"] as? [String: Any])
                #expect(broker["state"] as? String == "connected")
                #expect(broker["since"] as? String == RFC3339.format(testNow))
                #expect((broker["subscriptions"] as? [[String: Any]])?.map { $0["state"] as? String } == ["acknowledged", "acknowledged"])
                #expect((json["uplink"] as? [String: Any])?["state"] as? String == "not_configured")
                let routes = try #require(json["routes"] as? [[String: Any]])
                #expect(routes.map { $0["route"] as? String } == ["water", "power", "-"])
                #expect(routes[0]["received"] as? Int == 2 && routes[0]["decoded"] as? Int == 1)
                #expect(routes[0]["quarantined"] as? Int == 1 && routes[0]["readings"] as? Int == 2)
                #expect(routes[1]["received"] as? Int == 0)
                let ingest = try #require(json["ingest"] as? [String: Any])
                #expect(ingest["messages_received"] as? Int == 3)
                #expect(ingest["messages_per_second"] as? Double == 3.0 / 60)
                let store = try #require(json["store"] as? [String: Any])
                #expect(store["readings"] as? Int == 2 * 30 * 2)
                #expect(store["series"] as? Int == 4)
                #expect(store["quarantined"] as? Int == 2)
                #expect(store["newest_reading"] as? String == RFC3339.format(testNow))
                #expect(store["oldest_reading"] as? String == RFC3339.format(testNow - 29 * 60_000))
            }
        }
    }

    @Test func readinessFollowsTheStoreTheBrokerAndEverySubscription() async throws {
        let fixture = try APIFixture(devices: 1, minutes: 1)
        try await fixture.application().test(.router) { client in
            func ready() async throws -> (HTTPResponse.Status, [String]) {
                try await client.execute(uri: "/readyz", method: .get) { ($0.status, $0.json["reasons"] as? [String] ?? []) }
            }
            var (status, reasons) = try await ready()
            #expect(status == .serviceUnavailable)
            #expect(reasons == ["not connected to the broker yet"])

            fixture.link.apply(.connected(sessionPresent: true))
            fixture.link.apply(.subscribed(filter: "w/+/+", grantedQoS: 1))
            (status, reasons) = try await ready()
            #expect(status == .serviceUnavailable)
            #expect(reasons == ["the subscription to 'p/#' is not acknowledged yet"])

            fixture.link.apply(.subscribed(filter: "p/#", grantedQoS: 0))
            (status, reasons) = try await ready()
            #expect(status == .ok && reasons.isEmpty)

            fixture.link.apply(.disconnected(reason: "connection lost: broker closed the socket"))
            (status, reasons) = try await ready()
            #expect(status == .serviceUnavailable)
            #expect(reasons == ["the broker connection is down (connection lost: broker closed the socket)"])

            fixture.link.apply(.connected(sessionPresent: true))
            fixture.link.apply(.subscribed(filter: "w/+/+", grantedQoS: 1))
            fixture.link.apply(.subscriptionRefused(filter: "p/#", reasonCode: 135))
            (status, reasons) = try await ready()
            #expect(reasons == ["the broker refused the subscription to 'p/#' (reason code 135)"])

            fixture.link.apply(.subscribed(filter: "p/#", grantedQoS: 1))
            fixture.environment.storeReady.store(false, ordering: .relaxed)
            (status, reasons) = try await ready()
            #expect(status == .serviceUnavailable && reasons == ["the store is not open"])

            try await client.execute(uri: "/healthz", method: .get) { #expect($0.status == .ok) }
        }
        #expect(fixture.link.snapshot.reconnects == 1)
    }

    @Test func metricsExpositionParsesBackWithTheCounts() async throws {
        let fixture = try APIFixture(devices: 2, minutes: 10, quarantined: 0)
        fixture.connectFully()
        fixture.link.apply(.disconnected(reason: "gone"))
        fixture.connectFully()
        fixture.counters.recordCommitted(
            [
                MessageOutcome(route: "water", readings: 3, quarantined: 0, receivedAt: testNow - 20),
                MessageOutcome(route: "water", readings: 0, quarantined: 1, receivedAt: testNow - 20),
            ], stored: 2, duplicates: 1, quarantined: 1, committedAt: testNow)
        fixture.counters.countQuarantine([
            .init(receivedAt: testNow, topic: "w/x", route: "water", reason: .malformed, message: "m", payload: []),
        ])
        fixture.counters.recordCommitFailure()
        try await fixture.application().test(.router) { client in
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/plain; version=0.0.4; charset=utf-8")
                let samples = Exposition.parse(response.text)
                #expect(samples["gateway_messages_received_total{route=\"water\"}"] == 2)
                #expect(samples["gateway_messages_received_total{route=\"power\"}"] == 0, "routes listed from the start")
                #expect(samples["gateway_messages_decoded_total{route=\"water\"}"] == 1)
                #expect(samples["gateway_messages_quarantined_total{route=\"water\",reason=\"malformed\"}"] == 1)
                #expect(samples["gateway_readings_stored_total"] == 2)
                #expect(samples["gateway_readings_duplicate_total"] == 1)
                #expect(samples["gateway_store_commit_failures_total"] == 1)
                #expect(samples["gateway_mqtt_connected"] == 1)
                #expect(samples["gateway_mqtt_reconnects_total"] == 1)
                #expect(samples["gateway_store_readings_rows"] == 40.0)
                #expect(samples["gateway_store_series_rows"] == 4)
                #expect((samples["gateway_store_size_bytes"] ?? 0) > 0)
                #expect((samples["process_resident_memory_bytes"] ?? 0) > 1_000_000)
                #expect((samples["process_open_fds"] ?? 0) >= 3)
                #expect(samples["gateway_ingest_commit_latency_seconds_count"] == 2)
                #expect(samples["gateway_ingest_commit_latency_seconds_sum"] == 0.04)
                // Counters are named gateway_<thing>_<unit>_total.
                for (name, type) in Exposition.types(response.text) where type == "counter" && name.hasPrefix("gateway_") {
                    #expect(name.hasSuffix("_total"), "\(name)")
                }
            }
        }
    }

    @Test func theStatusPageShowsDevicesAndNarrowsByFilter() async throws {
        let fixture = try APIFixture(devices: 2, minutes: 60, quarantined: 1)
        fixture.connectFully()
        try await fixture.application().test(.router) { client in
            try await client.execute(uri: "/", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                let html = response.text
                #expect(html.contains("site-test") && html.contains("p-0") && html.contains("p-1"))
                #expect(html.components(separatedBy: "<svg").count - 1 >= 4, "a sparkline per series")
                #expect(html.contains("&lt;script&gt;alert(0)"))
                #expect(!html.contains("<script"))
            }
            try await client.execute(uri: "/?device=p-1", method: .get) { response in
                #expect(response.text.contains("p-1") && !response.text.contains(">p-0<"))
            }
            try await client.execute(uri: "/?utility=steam", method: .get) { #expect($0.status == .badRequest) }
        }
    }
}

/// A small reader of the Prometheus text format, enough to check values by series.
enum Exposition {
    /// `name{labels}` → value, for every sample line.
    static func parse(_ text: String) -> [String: Double] {
        var samples: [String: Double] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { continue }
            samples[String(line[..<space])] = value
        }
        return samples
    }

    /// Metric name → type, from the `# TYPE` lines.
    static func types(_ text: String) -> [(String, String)] {
        text.split(separator: "\n").compactMap { line in
            let parts = line.split(separator: " ")
            guard parts.count == 4, parts[0] == "#", parts[1] == "TYPE" else { return nil }
            return (String(parts[2]), String(parts[3]))
        }
    }
}

/// Rates are per second over the last minute — or over the seconds since start, in the first one.
@Suite struct RateTests {
    @Test func ratesCoverTheLastMinuteOrTheTimeSinceStart() {
        let start: EpochMillis = 1_000_000
        let counters = IngestCounters(startedAt: start)
        let outcome = MessageOutcome(route: "-", readings: 1, quarantined: 0, receivedAt: start)
        counters.recordCommitted(
            Array(repeating: outcome, count: 20), stored: 20, duplicates: 0, quarantined: 0, committedAt: start + 1_500)
        #expect(counters.rates(now: start + 10_000).messagesPerSecond == 2, "20 messages in the first 10 s")
        #expect(counters.rates(now: start + 120_000).messagesPerSecond == 0, "older than a minute")
        counters.recordCommitted(
            Array(repeating: outcome, count: 60), stored: 60, duplicates: 0, quarantined: 0, committedAt: start + 300_000)
        #expect(counters.rates(now: start + 301_000) == (1, 1))
    }
}
