import Foundation
import GatewayCore
import GatewayStore
import GatewayTestSupport
import Logging
import Testing

/// `utility-gatewayctl` output, byte for byte, in every format, against golden files in
/// `golden/` — over a store with fixed contents (values chosen to exercise the renderers: negative
/// numbers, a formula-looking device id, a comma and a quote). Run with `UPDATE_GOLDEN=1` to
/// rewrite the files after an intended change, and review the diff.
@Suite(.serialized) struct GatewayCtlGoldenTests {
    static let goldenDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("golden")

    /// A store written through the real `ReadingStore`, closed before the CLI reads it.
    static func makeStore(in directory: TemporaryDirectory) throws -> String {
        let path = directory.file("gateway.sqlite").path
        var logger = Logger(label: "golden")
        logger.logLevel = .critical
        let store = try ReadingStore(path: path, synchronous: .normal, logger: logger)
        let base: EpochMillis = 1_795_766_400_000  // 2026-11-27T08:00:00Z
        var readings: [Reading] = []
        for i in 0..<4 {
            let ts = base + EpochMillis(i) * 60_000
            readings.append(Reading(
                utility: .water, site: "north", device: "p-7", metric: "pressure", value: 412.5 + Double(i),
                unit: "kPa", timestamp: ts, receivedAt: ts + 120, quality: [], topic: "w/north/p-7"))
            readings.append(Reading(
                utility: .power, site: "sub-2", device: "=HYPERLINK(\"x\")", metric: "power_active", value: -3.5 * Double(i + 1),
                unit: "kW", timestamp: ts, receivedAt: ts + 80, quality: [], topic: "p/sub-2/f1"))
        }
        let quarantine = [
            QuarantineRecord(
                receivedAt: base + 30_000, topic: "w/north/p-9", route: "water", reason: .malformed,
                message: "expected a JSON object, got 'nul' at byte 0", payload: Array("nul".utf8)),
            QuarantineRecord(
                receivedAt: base + 90_000, topic: "x/y", route: nil, reason: .noRoute,
                message: "no route's topic filter matches 'x/y'", payload: Array("@SUM(1,2), \"quoted\"".utf8)),
        ]
        _ = try store.commit(IngestBatch(readings: readings, quarantined: quarantine))
        try store.close()
        return path
    }

    static let cases: [(name: String, arguments: [String])] = [
        ("readings.table", ["readings", "--limit", "5"]),
        ("readings.json", ["readings", "--limit", "3", "--format", "json"]),
        ("readings.csv", ["readings", "--utility", "power", "--format", "csv"]),
        ("quarantine.table", ["quarantine"]),
        ("quarantine.json", ["quarantine", "--payload", "--format", "json"]),
        ("quarantine.csv", ["quarantine", "--payload", "--format", "csv"]),
        ("summary.table", ["summary"]),
        ("summary.csv", ["summary", "--format", "csv"]),
    ]

    @Test(arguments: cases.map(\.name))
    func outputMatchesTheGoldenFile(name: String) throws {
        let directory = try TemporaryDirectory(prefix: "ctl-golden")
        let database = try Self.makeStore(in: directory)
        let arguments = Self.cases.first { $0.name == name }!.arguments + ["--database", database]
        let process = try ChildProcess(
            executable: try BuiltProducts.executable(named: "utility-gatewayctl"), arguments: arguments,
            stderrURL: directory.file("err.log"), stdoutURL: directory.file("out.log"))
        #expect(process.waitForExit(timeoutSeconds: 60) == 0, "\(process.stderrText())")
        let output = try String(contentsOf: directory.file("out.log"), encoding: .utf8)
            .replacingOccurrences(of: database, with: "<database>")
        let golden = Self.goldenDirectory.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] == "1" {
            try output.write(to: golden, atomically: true, encoding: .utf8)
        }
        let expected = try String(contentsOf: golden, encoding: .utf8)
        #expect(output == expected, "utility-gatewayctl \(arguments.joined(separator: " ")) differs from golden/\(name)")
    }
}
