import Foundation
import GatewayCore

/// One measured workload: a route, a set of payloads of one shape, and the figure the issue sets
/// for it. Payloads differ (devices, values, times from a fixed seed) so that the decoder cannot
/// profit from seeing the same bytes every time, but they all have the same shape and size.
struct BenchCase: Sendable {
    let name: String
    let format: String
    /// What one unit of the rate is: a message, or a row or line inside a big message.
    let unit: String
    /// Rows or lines per message (1 for per-message rates).
    let unitsPerMessage: Int
    /// Readings each payload must decode to (checked once before timing).
    let readingsPerMessage: Int
    /// The issue's target in `unit`s per second, or `nil` for an informational figure.
    let target: Double?
    let routeYAML: String
    let payloads: [[UInt8]]

    var averageBytes: Int { payloads.map(\.count).reduce(0, +) / max(1, payloads.count) }
}

/// The workloads of the issue: ~120-byte messages per format (3 readings each, like the
/// simulator's), a 1,000-row CSV message and a 1,000-line line-protocol message.
enum BenchCases {
    static let variants = 256
    /// 2026-11-27T08:00:00Z (the time of receipt of every message) minus ten minutes; samples are
    /// 100 ms apart, so a 1,000-row message spans 100 s, inside every route's time window.
    static let baseMillis: EpochMillis = 1_795_765_800_000

    static func all() -> [BenchCase] {
        [json, jsonAuto, influxMessage, influxBatch, csvMessage, csvBatch, xml, senml]
    }

    /// A device's reading set, as the simulator makes them.
    struct Sample {
        var device: String
        var millis: EpochMillis
        var pressure: String
        var flow: String
        var chlorine: String
    }

    static func samples(seed: UInt64, count: Int) -> [Sample] {
        var generator = SeededGenerator(seed: seed)
        return (0..<count).map { index in
            Sample(
                device: String(format: "wm-%04d", generator.below(1_000)),
                millis: baseMillis + EpochMillis(index) * 100,
                pressure: String(format: "%.1f", 420 + generator.gaussian(deviation: 6)),
                flow: String(format: "%.2f", max(0, 35 + generator.gaussian(deviation: 2.5))),
                chlorine: String(format: "%.3f", max(0, 0.6 + generator.gaussian(deviation: 0.04))))
        }
    }

    static let threeMetrics = """
        metrics:
          - { name: pressure, path: pressure, unit: kPa }
          - { name: flow, path: flow, unit: m3/h }
          - { name: chlorine_free, path: chlorine_free, unit: mg/L }
        """

    static let jsonRoute = """
        id: bench-json
        topic: "fuzz/#"
        format: json
        utility: water
        site: "{topic.1}"
        device: "{payload.device}"
        timestamp: { path: ts, format: epoch_ms }
        \(threeMetrics)
        """

    static func jsonPayloads() -> [[UInt8]] {
        samples(seed: 1, count: variants).enumerated().map { index, s in
            Array(#"{"device":"\#(s.device)","seq":\#(100_000 + index),"ts":\#(s.millis),"pressure":\#(s.pressure),"flow":\#(s.flow),"chlorine_free":\#(s.chlorine)}"#.utf8)
        }
    }

    static let json = BenchCase(
        name: "json", format: "json", unit: "msg", unitsPerMessage: 1, readingsPerMessage: 3, target: 200_000,
        routeYAML: jsonRoute, payloads: jsonPayloads())

    /// The same JSON through `format: auto` (sniffing, then the JSON adapter): what auto costs.
    static let jsonAuto = BenchCase(
        name: "auto (json)", format: "auto", unit: "msg", unitsPerMessage: 1, readingsPerMessage: 3, target: nil,
        routeYAML: jsonRoute.replacingOccurrences(of: "format: json", with: "format: auto"), payloads: jsonPayloads())

    static let influxRoute = """
        id: bench-influx
        topic: "fuzz/#"
        format: influx
        utility: water
        site: "{payload.tags.site}"
        device: "{payload.tags.device}"
        \(threeMetrics)
        influx:
          precision: ms
        """

    static func influxLine(_ s: Sample) -> String {
        "water_quality,site=site-01,device=\(s.device) pressure=\(s.pressure),flow=\(s.flow),chlorine_free=\(s.chlorine) \(s.millis)\n"
    }

    static let influxMessage = BenchCase(
        name: "influx (1 line)", format: "influx", unit: "msg", unitsPerMessage: 1, readingsPerMessage: 3, target: nil,
        routeYAML: influxRoute, payloads: samples(seed: 2, count: variants).map { Array(influxLine($0).utf8) })

    static let influxBatch = BenchCase(
        name: "influx (1,000 lines)", format: "influx", unit: "line", unitsPerMessage: 1_000, readingsPerMessage: 3_000,
        target: 500_000, routeYAML: influxRoute,
        payloads: (0..<8).map { Array(samples(seed: 3 + UInt64($0), count: 1_000).map(influxLine).joined().utf8) })

    static let csvRoute = """
        id: bench-csv
        topic: "fuzz/#"
        format: csv
        utility: water
        site: "{topic.1}"
        device: "{payload.device}"
        timestamp: { path: ts, format: rfc3339 }
        \(threeMetrics)
        """

    static let csvHeader = "device,ts,pressure,flow,chlorine_free\n"

    static func csvRow(_ s: Sample) -> String {
        "\(s.device),\(RFC3339.format(s.millis)),\(s.pressure),\(s.flow),\(s.chlorine)\n"
    }

    static let csvMessage = BenchCase(
        name: "csv (1 row)", format: "csv", unit: "msg", unitsPerMessage: 1, readingsPerMessage: 3, target: nil,
        routeYAML: csvRoute, payloads: samples(seed: 20, count: variants).map { Array((csvHeader + csvRow($0)).utf8) })

    static let csvBatch = BenchCase(
        name: "csv (1,000 rows)", format: "csv", unit: "row", unitsPerMessage: 1_000, readingsPerMessage: 3_000,
        target: 500_000, routeYAML: csvRoute,
        payloads: (0..<8).map { Array((csvHeader + samples(seed: 21 + UInt64($0), count: 1_000).map(csvRow).joined()).utf8) })

    static let xml = BenchCase(
        name: "xml", format: "xml", unit: "msg", unitsPerMessage: 1, readingsPerMessage: 3, target: 100_000,
        routeYAML: """
            id: bench-xml
            topic: "fuzz/#"
            format: xml
            utility: water
            site: "{topic.1}"
            device: "{payload.@device}"
            timestamp: { path: "@ts", format: epoch_ms }
            \(threeMetrics)
            """,
        payloads: samples(seed: 30, count: variants).map { s in
            Array(#"<r device="\#(s.device)" ts="\#(s.millis)"><pressure>\#(s.pressure)</pressure><flow>\#(s.flow)</flow><chlorine_free>\#(s.chlorine)</chlorine_free></r>"#.utf8)
        })

    static let senml = BenchCase(
        name: "senml", format: "senml", unit: "msg", unitsPerMessage: 1, readingsPerMessage: 3, target: 150_000,
        routeYAML: """
            id: bench-senml
            topic: "fuzz/#"
            format: senml
            utility: water
            site: "{topic.1}"
            device: "{payload.bn}"
            metrics:
              - { name: pressure, path: pressure }
              - { name: flow, path: flow }
              - { name: chlorine_free, path: chlorine_free }
            """,
        payloads: samples(seed: 40, count: variants).map { s in
            Array(#"[{"bn":"\#(s.device):","bt":\#(s.millis / 1000),"n":"pressure","u":"kPa","v":\#(s.pressure)},{"n":"flow","u":"m3/h","v":\#(s.flow)},{"n":"chlorine_free","u":"mg/L","v":\#(s.chlorine)}]"#.utf8)
        })
}
