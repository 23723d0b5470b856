import Foundation
import GatewayCore
import Testing
@testable import GatewayAdapters

/// A route like the shipped water route: identity from topic levels, timestamp in epoch ms.
func waterRoute(
    timestamp: TimestampMapping? = TimestampMapping(path: "ts", format: .epochMillis),
    metrics: [MetricMapping] = [
        MetricMapping(name: "pressure", path: "pressure", unit: "kPa"),
        MetricMapping(name: "flow", path: "flow", unit: "m3/h"),
    ]
) -> RouteConfiguration {
    // Event times in these tests are far from the fixed receipt time: the time window is tested on its own.
    RouteConfiguration(
        id: "water", topic: "utilities/water/+/+/telemetry", utility: .literal("water"),
        site: try! FieldTemplate.parse("{topic.2}").get(), device: try! FieldTemplate.parse("{topic.3}").get(),
        timestamp: timestamp, metrics: metrics, maxFutureSkewSeconds: 1e12, maxAgeSeconds: 1e12)
}

func message(_ json: String, topic: String = "utilities/water/north/wm-0001/telemetry", receivedAt: EpochMillis = 1_800_000_000_000) -> InboundMessage {
    InboundMessage(topic: topic, payload: Array(json.utf8), qos: 1, retain: false, receivedAt: receivedAt)
}

func decoder(_ routes: [RouteConfiguration], limits: IngestSettings = IngestSettings()) throws -> MessageDecoder {
    try MessageDecoder(routes: routes, limits: limits)
}

@Suite struct JSONAdapterTests {
    @Test func decodesOneReadingPerMetricWithIdentityFromTopic() throws {
        let result = try decoder([waterRoute()]).decode(message(#"{"ts":1764230400123,"pressure":412.5,"flow":12.25}"#))
        #expect(result.quarantined.isEmpty)
        #expect(result.routeID == "water")
        #expect(result.readings == [
            Reading(utility: .water, site: "north", device: "wm-0001", metric: "pressure", value: 412.5, unit: "kPa",
                    timestamp: 1_764_230_400_123, receivedAt: 1_800_000_000_000, topic: "utilities/water/north/wm-0001/telemetry"),
            Reading(utility: .water, site: "north", device: "wm-0001", metric: "flow", value: 12.25, unit: "m3/h",
                    timestamp: 1_764_230_400_123, receivedAt: 1_800_000_000_000, topic: "utilities/water/north/wm-0001/telemetry"),
        ])
    }

    @Test func convertsDeclaredUnitsIntoCanonicalUnits() throws {
        let route = waterRoute(metrics: [
            MetricMapping(name: "pressure", path: "p", unit: "bar"),
            MetricMapping(name: "flow", path: "q", unit: "L/s"),
            MetricMapping(name: "temperature", path: "t", unit: "degF"),
        ])
        let readings = try decoder([route]).decode(message(#"{"ts":0,"p":4.125,"q":10,"t":212}"#)).readings
        #expect(readings.map(\.value) == [412.5, 36, 100])
        #expect(readings.map(\.unit) == ["kPa", "m3/h", "degC"])
        #expect(readings.allSatisfy { $0.quality.contains(.unitConverted) })
    }

    @Test(arguments: [
        (#"{"ts":1764230400,"pressure":1,"flow":2}"#, TimestampFormat.epochSeconds, Int64(1_764_230_400_000)),
        (#"{"ts":1764230400.5,"pressure":1,"flow":2}"#, .epochSeconds, 1_764_230_400_500),
        (#"{"ts":"2025-11-27T08:00:00.123Z","pressure":1,"flow":2}"#, .rfc3339, 1_764_230_400_123),
        (#"{"ts":"2025-11-27T10:00:00+02:00","pressure":1,"flow":2}"#, .rfc3339, 1_764_230_400_000),
        (#"{"ts":"1764230400123","pressure":1,"flow":2}"#, .epochMillis, 1_764_230_400_123),
    ])
    func timestampFormats(json: String, format: TimestampFormat, expected: Int64) throws {
        let route = waterRoute(timestamp: TimestampMapping(path: "ts", format: format))
        let result = try decoder([route]).decode(message(json))
        #expect(result.quarantined.isEmpty)
        #expect(result.readings.map(\.timestamp) == [expected, expected])
    }

    @Test func missingTimestampMappingUsesReceiptTimeAndSaysSo() throws {
        let result = try decoder([waterRoute(timestamp: nil)]).decode(message(#"{"pressure":1,"flow":2}"#, receivedAt: 42))
        #expect(result.readings.map(\.timestamp) == [42, 42])
        #expect(result.readings.allSatisfy { $0.quality.contains(.timestampFromReceipt) })
    }

    @Test func identityFromPayloadPathsAndNestedIndexes() throws {
        let route = RouteConfiguration(
            id: "nested", topic: "plant/#", utility: try FieldTemplate.parse("{payload.meta.utility}").get(),
            site: try FieldTemplate.parse("site-{payload.meta.site}").get(),
            device: try FieldTemplate.parse("{payload.meta.id}").get(),
            timestamp: TimestampMapping(path: "data.0.t", format: .epochMillis),
            metrics: [MetricMapping(name: "voltage", path: "data[0].values.1", unit: "kV")],
            maxAgeSeconds: 1e12)
        let json = #"{"meta":{"utility":"power","site":7,"id":"tx-9"},"data":[{"t":1000,"values":[1,0.231]}]}"#
        let result = try decoder([route]).decode(message(json, topic: "plant/a"))
        #expect(result.quarantined.isEmpty)
        let reading = try #require(result.readings.first)
        #expect((reading.utility, reading.site, reading.device, reading.timestamp) == (.power, "site-7", "tx-9", 1000))
        #expect(abs(reading.value - 231) < 1e-9)
        #expect(reading.unit == "V")
    }

    @Test func firstMatchingRouteWins() throws {
        var specific = waterRoute()
        specific.id = "specific"
        specific.topic = "utilities/water/north/+/telemetry"
        var general = waterRoute()
        general.id = "general"
        let d = try decoder([specific, general])
        #expect(d.decode(message(#"{"ts":1,"pressure":1,"flow":1}"#)).routeID == "specific")
        #expect(d.decode(message(#"{"ts":1,"pressure":1,"flow":1}"#, topic: "utilities/water/south/x/telemetry")).routeID == "general")
    }

    @Test func sharedSubscriptionRoutesMatchTheRealTopic() throws {
        var route = waterRoute()
        route.topic = "$share/gateways/utilities/water/+/+/telemetry"
        let result = try decoder([route]).decode(message(#"{"ts":1,"pressure":1,"flow":1}"#))
        #expect(result.readings.count == 2)
    }
}

@Suite struct JSONQuarantineTests {
    func reasons(_ json: String, route: RouteConfiguration = waterRoute(), topic: String = "utilities/water/north/wm-0001/telemetry",
                 limits: IngestSettings = IngestSettings()) throws -> [QuarantineReason] {
        try decoder([route], limits: limits).decode(message(json, topic: topic)).quarantined.map(\.reason)
    }

    @Test func notJSON() throws {
        let result = try decoder([waterRoute()]).decode(message("pressure=1"))
        #expect(result.quarantined.map(\.reason) == [.malformed])
        #expect(result.quarantined[0].message.hasPrefix("not valid JSON"))
        #expect(result.quarantined[0].payload == Array("pressure=1".utf8))
        #expect(result.quarantined[0].route == "water")
    }

    @Test func invalidUTF8() throws {
        var bytes = Array(#"{"ts":1,"pressure":1,"flow":"#.utf8)
        bytes += [0x22, 0xFF, 0xFE, 0x22, 0x7D]
        let result = try decoder([waterRoute()]).decode(InboundMessage(topic: "utilities/water/n/d/telemetry", payload: bytes, qos: 1, retain: false, receivedAt: 1))
        #expect(result.quarantined.map(\.reason) == [.invalidEncoding])
        #expect(result.readings.isEmpty)
    }

    @Test func deepNestingIsRejectedNotACrash() throws {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(try reasons(deep) == [.limitExceeded])
        let deepObject = String(repeating: #"{"a":"#, count: 10_000) + "1" + String(repeating: "}", count: 10_000)
        #expect(try reasons(deepObject) == [.limitExceeded])
        // Brackets inside strings are not nesting.
        let bracketsInText = #"{"ts":1,"pressure":1,"flow":1,"note":""# + String(repeating: "[", count: 100) + #""}"#
        #expect(try reasons(bracketsInText).isEmpty)
    }

    @Test func oversizedPayloadIsQuarantinedAndCut() throws {
        let big = "{\"pad\":\"" + String(repeating: "x", count: 1 << 20) + "\"}"
        let limits = IngestSettings(maxPayloadBytes: 256 * 1024, quarantinePayloadBytes: 1024)
        let result = try decoder([waterRoute()], limits: limits).decode(message(big))
        #expect(result.quarantined.map(\.reason) == [.payloadTooLarge])
        #expect(result.quarantined[0].payload.count == 1024)
        #expect(result.quarantined[0].payloadSize == big.utf8.count)
    }

    @Test func wrongTypesAndMissingFields() throws {
        #expect(try reasons(#"{"ts":1,"pressure":"high","flow":1}"#) == [.wrongType])
        #expect(try reasons(#"{"ts":1,"pressure":true,"flow":1}"#) == [.wrongType])
        #expect(try reasons(#"{"ts":1,"pressure":{"v":1},"flow":1}"#) == [.wrongType])
        #expect(try reasons(#"{"ts":1,"flow":1}"#) == [.missingField])
        #expect(try reasons(#"{"ts":1,"pressure":null,"flow":1}"#) == [.missingField])
        #expect(try reasons(#"{"pressure":1,"flow":1}"#) == [.missingField])
        #expect(try reasons(#"{"ts":"yesterday","pressure":1,"flow":1}"#) == [.wrongType])
        #expect(try reasons(#"{"ts":-5,"pressure":1,"flow":1}"#) == [.invalidValue])
        #expect(try reasons(#"[1,2,3]"#) == [.missingField])
        #expect(try reasons(#""just a string""#) == [.wrongType])
        #expect(try reasons(#"{}"#) == [.missingField])
    }

    @Test func goodMetricsOfAPartlyBadMessageAreKept() throws {
        let result = try decoder([waterRoute()]).decode(message(#"{"ts":1,"pressure":"n/a","flow":3}"#))
        #expect(result.readings.map(\.metric) == ["flow"])
        #expect(result.quarantined.map(\.reason) == [.wrongType])
        #expect(result.quarantined[0].message.contains("pressure"))
    }

    @Test func noRouteAndBadIdentity() throws {
        #expect(try reasons("{}", topic: "elsewhere/x") == [.noRoute])
        let route = RouteConfiguration(
            id: "r", topic: "t/#", utility: try FieldTemplate.parse("{topic.1}").get(), site: .literal("s"),
            device: try FieldTemplate.parse("{topic.2}").get(), metrics: [MetricMapping(name: "flow", path: "f", unit: "m3/h")])
        #expect(try reasons(#"{"f":1}"#, route: route, topic: "t/sewage/d") == [.invalidIdentity])
        #expect(try reasons(#"{"f":1}"#, route: route, topic: "t/water") == [.invalidIdentity])
        #expect(try reasons(#"{"f":1}"#, route: route, topic: "t/water/") == [.invalidIdentity])
    }
}

@Suite struct RouteValidationTests {
    @Test func everyProblemOfEveryRouteIsReported() {
        var bad = waterRoute(metrics: [
            MetricMapping(name: "pressure", path: "p", unit: "V"),
            MetricMapping(name: "flow", path: "a..b", unit: "furlongs"),
            MetricMapping(name: "volume", path: "items[*].v", unit: "m3"),
        ])
        bad.utility = .literal("sewage")
        var unknownFormat = waterRoute()
        unknownFormat.id = "other"
        unknownFormat.format = "protobuf"
        #expect(throws: RouteConfigurationErrors.self) { try MessageDecoder(routes: [bad, unknownFormat], limits: .init()) }
        do {
            _ = try MessageDecoder(routes: [bad, unknownFormat], limits: .init())
        } catch {
            let keys = error.errors.map { "\($0.routeID) \($0.keyPath)" }
            #expect(keys == ["water utility", "water metrics[0].unit", "water metrics[1].path", "water metrics[1].unit",
                             "water metrics[2].path", "other format"])
            #expect(error.errors[1].message.contains("kPa"))
            #expect(error.errors[3].message.contains("unknown unit 'furlongs'"))
            #expect(error.errors[5].message.contains("expected one of") && error.errors[5].message.contains("json"))
        }
    }
}

@Suite struct FormatSnifferTests {
    @Test(arguments: [
        (#"{"a":1}"#, "json"), ("  \n[1,2]", "json"), ("\u{FEFF}{\"a\":1}", "json"),
        ("<?xml version=\"1.0\"?><a/>", "xml"), ("  <MeterReadings/>", "xml"),
        ("weather,site=a temp=1.5 1700000000", "influx"), ("# comment\nm f=1i", "influx"),
        (#"m\ x,t=a\ b f=1"#, "influx"),
        ("time,device,pressure\n1,a,2", "csv"), ("time; device; pressure", "csv"), ("", "csv"),
        ("# logger v2\n\"ts\",\"v\"\n1,2", "csv"),
    ])
    func sniffs(payload: String, expected: String) {
        #expect(FormatSniffer.sniff(Array(payload.utf8)) == expected)
    }
}

@Suite struct LocalDateTimeTests {
    /// Loggers that write local time without an offset: the route names the zone, and daylight
    /// saving follows the zone's rules.
    @Test(arguments: [
        ("2026-07-01 12:00:00", "Europe/Berlin", "2026-07-01T10:00:00.000Z"),   // CEST, +02:00
        ("2026-12-01 12:00:00", "Europe/Berlin", "2026-12-01T11:00:00.000Z"),   // CET, +01:00
        ("2026-11-27T16:00:00.250", "+08:00", "2026-11-27T08:00:00.250Z"),
        ("2026-11-27 08:00:00", "UTC", "2026-11-27T08:00:00.000Z"),
    ])
    func localDateTimes(text: String, zone: String, expected: String) throws {
        let route = waterRoute(timestamp: TimestampMapping(path: "ts", format: .localDateTime, timeZone: TimestampZone(parsing: zone)))
        let result = try decoder([route]).decode(message(#"{"ts":"\#(text)","pressure":1,"flow":2}"#))
        #expect(result.quarantined.isEmpty, "\(result.quarantined.map(\.message))")
        #expect(result.readings.map { RFC3339.format($0.timestamp) } == [expected, expected])
    }

    @Test func zonesParse() {
        #expect(TimestampZone(parsing: "+05:30") == .fixed(offsetSeconds: 19_800))
        #expect(TimestampZone(parsing: "Asia/Shanghai") == .named("Asia/Shanghai"))
        #expect(TimestampZone(parsing: "Mars/Olympus") == nil)
        #expect(TimestampZone(parsing: "8") == nil)
    }
}
