import Foundation
import FuzzSupport
import GatewayAdapters
import GatewayCore
import Testing

/// Golden test data, Telegraf-style: one folder per case under `testdata/<format>/<case>/`, walked
/// by one test. A bug found later gets a folder of its own.
///
/// A case folder holds:
/// - `route.yaml`: one route, as it would stand under `routes:` (without the leading `- `);
/// - `input.<ext>`: the payload (absent for a configuration-error case);
/// - `topic.txt` (optional): the message topic, default `golden/site-1/dev-1/data`;
/// - `received_at.txt` (optional): the time of receipt, default `2026-11-27T08:00:00Z`;
/// - `expected.jsonl`: the readings, one JSON object per line with `utility`, `site`, `device`,
///   `metric`, `value`, `unit`, `ts` (RFC 3339), in order;
/// - `expected.err`: the failures, one per line, in order: `<reason_code>: <text the message
///   contains>` for a quarantined part, or `config: <text>` for a route the adapter refuses.
/// A case has `expected.jsonl`, `expected.err` or both (CSV: good rows stored, a bad row quarantined).
@Suite struct GoldenTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("testdata")

    /// Every case folder, as `<format>/<case>`.
    static let cases: [String] = {
        let fm = FileManager.default
        var found: [String] = []
        for format in (try? fm.contentsOfDirectory(atPath: root.path)) ?? [] {
            let dir = root.appendingPathComponent(format)
            for name in (try? fm.contentsOfDirectory(atPath: dir.path)) ?? [] where !name.hasPrefix(".") {
                var isDirectory: ObjCBool = false
                if fm.fileExists(atPath: dir.appendingPathComponent(name).path, isDirectory: &isDirectory), isDirectory.boolValue {
                    found.append("\(format)/\(name)")
                }
            }
        }
        return found.sorted()
    }()

    @Test(arguments: cases)
    func golden(_ name: String) throws {
        let dir = Self.root.appendingPathComponent(name)
        let fm = FileManager.default
        func text(_ file: String) -> String? {
            try? String(contentsOf: dir.appendingPathComponent(file), encoding: .utf8)
        }
        let routeYAML = try #require(text("route.yaml"), "\(name): route.yaml is missing")
        let expectedErrors = (text("expected.err") ?? "").split(separator: "\n").map(String.init).filter { !$0.isEmpty }
        let expectedReadings = (text("expected.jsonl") ?? "").split(separator: "\n").filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        #expect(text("expected.err") != nil || text("expected.jsonl") != nil, "\(name): no expected.jsonl or expected.err")

        let topic = text("topic.txt")?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "golden/site-1/dev-1/data"
        let receivedAt = try #require(
            RFC3339.parse(text("received_at.txt")?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "2026-11-27T08:00:00Z"))
        let decoder: MessageDecoder
        do {
            decoder = try RouteUnderTest(name: "\(name)/route.yaml", routeYAML: routeYAML, topic: topic, receivedAt: receivedAt).decoder
        } catch {
            try expectConfigError(name, error.message, expectedErrors)
            return
        }

        let inputName = try #require(
            (try fm.contentsOfDirectory(atPath: dir.path)).first { $0.hasPrefix("input.") }, "\(name): input.* is missing")
        let payload = try Array(Data(contentsOf: dir.appendingPathComponent(inputName)))
        let result = decoder.decode(InboundMessage(topic: topic, payload: payload, qos: 1, retain: false, receivedAt: receivedAt))

        let got = result.quarantined.map { "\($0.reason.rawValue): \($0.message)" }
        #expect(got.count == expectedErrors.count, "\(name): failures\n\(got.joined(separator: "\n"))")
        for (line, expected) in zip(got, expectedErrors) {
            let parts = expected.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            #expect(line.hasPrefix(parts[0] + ":") && (parts.count < 2 || line.contains(parts[1])),
                    "\(name): expected \(expected)\n got \(line)")
        }
        #expect(result.readings.count == expectedReadings.count,
                "\(name): got \(result.readings.count) readings:\n\(result.readings.map(Self.line).joined(separator: "\n"))")
        for (reading, expectedLine) in zip(result.readings, expectedReadings) {
            let expected = try #require(try JSONSerialization.jsonObject(with: Data(expectedLine.utf8)) as? [String: Any])
            let same = expected["utility"] as? String == reading.utility.rawValue
                && expected["site"] as? String == reading.site
                && expected["device"] as? String == reading.device
                && expected["metric"] as? String == reading.metric
                && expected["unit"] as? String == reading.unit
                && expected["ts"] as? String == RFC3339.format(reading.timestamp)
                && Self.close((expected["value"] as? NSNumber)?.doubleValue, reading.value)
            #expect(same, "\(name): expected \(expectedLine)\n got \(Self.line(reading))")
        }
    }

    func expectConfigError(_ name: String, _ message: String, _ expected: [String]) throws {
        let wanted = expected.filter { $0.hasPrefix("config:") }
        #expect(!wanted.isEmpty, "\(name): unexpected configuration error:\n\(message)")
        for line in wanted {
            let fragment = line.dropFirst("config:".count).trimmingCharacters(in: .whitespaces)
            #expect(message.contains(fragment), "\(name): expected a configuration error containing '\(fragment)'; got:\n\(message)")
        }
    }

    static func close(_ a: Double?, _ b: Double) -> Bool {
        guard let a else { return false }
        return abs(a - b) <= 1e-9 * max(1, abs(a), abs(b))
    }

    /// A reading as an `expected.jsonl` line, for writing new cases and reading failures.
    static func line(_ r: Reading) -> String {
        #"{"utility":"\#(r.utility.rawValue)","site":"\#(r.site)","device":"\#(r.device)","metric":"\#(r.metric)","value":\#(r.value),"unit":"\#(r.unit)","ts":"\#(RFC3339.format(r.timestamp))"}"#
    }
}
