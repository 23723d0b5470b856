// decode-bench — MessageDecoder.decode throughput per payload format, against the adapter issue's
// targets: JSON ≥ 200k msg/s, line protocol ≥ 500k lines/s, CSV ≥ 500k rows/s, XML ≥ 100k msg/s,
// SenML ≥ 150k msg/s (release build, one core).
//
//   bench/decode [--seconds 3] [--only json,csv]     (builds in release and pins to core 0)
//
// Each case decodes a rotating set of payloads of one shape (BenchCases) through the real route
// loading and MessageDecoder (route match, size limit, adapter, quarantine mapping) — the daemon's
// per-message path minus MQTT and SQLite — on the calling thread, for `--seconds` after a short
// warm-up. Every payload is decoded once first and must give its readings and no failure, so a
// figure never measures a fast error path. Formats that are not registered are skipped with a
// note. Prints a table and one JSON line (`{"bench":"decode",...}`).
import Foundation
import FuzzSupport
import GatewayAdapters
import GatewayCore

struct Options {
    var seconds = 3.0
    var only: Set<String>?
}

func parseOptions() -> Options {
    var options = Options()
    var args = CommandLine.arguments.dropFirst()
    func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("decode-bench: \(message)\nusage: decode-bench [--seconds N] [--only case,format,...]\n".utf8))
        exit(2)
    }
    while let arg = args.popFirst() {
        switch arg {
        case "--seconds":
            guard let text = args.popFirst(), let value = Double(text), value > 0 else { fail("--seconds needs a positive number") }
            options.seconds = value
        case "--only":
            guard let text = args.popFirst() else { fail("--only needs a list of case or format names") }
            options.only = Set(text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
        default:
            fail("unknown argument '\(arg)'")
        }
    }
    return options
}

/// What one case measured, or why it did not run.
struct Outcome {
    let benchCase: BenchCase
    var rate: Double?
    var messages = 0
    var seconds = 0.0
    var note: String?
}

func run(_ benchCase: BenchCase, seconds: Double) -> Outcome {
    var outcome = Outcome(benchCase: benchCase)
    guard AdapterRegistry.standard.formats.contains(benchCase.format) else {
        outcome.note = "skipped: format '\(benchCase.format)' is not registered"
        return outcome
    }
    let route: RouteUnderTest
    do {
        route = try RouteUnderTest(name: benchCase.name, routeYAML: benchCase.routeYAML)
    } catch {
        outcome.note = "skipped: the route does not load: \(error.description)"
        return outcome
    }
    let messages = benchCase.payloads.map(route.message)
    for message in messages {
        let result = route.decoder.decode(message)
        if result.readings.count != benchCase.readingsPerMessage || !result.quarantined.isEmpty {
            let failure = result.quarantined.first.map { "\($0.reason.rawValue): \($0.message)" } ?? "-"
            outcome.note = "invalid: \(result.readings.count) readings (expected \(benchCase.readingsPerMessage)), \(result.quarantined.count) failures; first: \(failure)"
            return outcome
        }
    }
    let clock = ContinuousClock()
    var readings = 0
    // Warm-up: caches, lazily built tables, the allocator's free lists.
    let warmUpEnd = clock.now.advanced(by: .milliseconds(300))
    var index = 0
    while clock.now < warmUpEnd {
        readings &+= route.decoder.decode(messages[index % messages.count]).readings.count
        index += 1
    }
    // Timed: check the clock every `batch` messages so that reading it costs nothing measurable.
    let batch = max(1, 2_000 / benchCase.unitsPerMessage)
    let start = clock.now
    let end = start.advanced(by: .milliseconds(Int64(seconds * 1000)))
    var decoded = 0
    repeat {
        for _ in 0..<batch {
            readings &+= route.decoder.decode(messages[index % messages.count]).readings.count
            index &+= 1
        }
        decoded += batch
    } while clock.now < end
    let elapsed = start.duration(to: clock.now)
    outcome.seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    outcome.messages = decoded
    outcome.rate = Double(decoded * benchCase.unitsPerMessage) / outcome.seconds
    if readings == 42 { print("") }  // keeps the decodes observable to the optimizer
    return outcome
}

func figure(_ value: Double) -> String {
    value >= 1_000_000 ? String(format: "%.2fM", value / 1_000_000)
        : value >= 1_000 ? String(format: "%.1fk", value / 1_000) : String(format: "%.0f", value)
}

func padded(_ text: String, _ width: Int, right: Bool = false) -> String {
    let pad = String(repeating: " ", count: max(0, width - text.count))
    return right ? pad + text : text + pad
}

let options = parseOptions()
let cases = BenchCases.all().filter { options.only == nil || options.only!.contains($0.name) || options.only!.contains($0.format) }
let cpus = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8))?
    .split(separator: "\n").first { $0.hasPrefix("Cpus_allowed_list:") }?
    .split(separator: ":").last.map { $0.trimmingCharacters(in: .whitespaces) } ?? "?"
print("decode-bench: MessageDecoder.decode, one thread, cpus allowed: \(cpus), \(options.seconds) s per case")
print("")
print([padded("case", 22), padded("bytes/msg", 10, right: true), padded("rate", 16, right: true),
       padded("target", 14, right: true), padded("ratio", 7, right: true), "  result"].joined())
var outcomes: [Outcome] = []
for benchCase in cases {
    let outcome = run(benchCase, seconds: options.seconds)
    outcomes.append(outcome)
    let rate = outcome.rate.map { "\(figure($0)) \(benchCase.unit)/s" } ?? "-"
    let target = benchCase.target.map { "≥ \(figure($0))/s" } ?? "-"
    var ratio = "-"
    var result = outcome.note ?? "measured"
    if let measured = outcome.rate, let goal = benchCase.target {
        ratio = String(format: "%.2f", measured / goal)
        result = measured >= goal ? "meets target" : "BELOW target"
    }
    print([padded(benchCase.name, 22), padded("\(benchCase.averageBytes)", 10, right: true), padded(rate, 16, right: true),
           padded(target, 14, right: true), padded(ratio, 7, right: true), "  \(result)"].joined())
}

// One JSON line for tools (CI logs, bench/results).
func jsonString(_ text: String) -> String {
    "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
}
let entries = outcomes.map { outcome -> String in
    let c = outcome.benchCase
    var fields = [
        "\"case\":\(jsonString(c.name))", "\"format\":\(jsonString(c.format))", "\"unit\":\(jsonString(c.unit))",
        "\"bytes_per_message\":\(c.averageBytes)",
    ]
    fields.append("\"rate_per_second\":" + (outcome.rate.map { String(format: "%.0f", $0) } ?? "null"))
    fields.append("\"target_per_second\":" + (c.target.map { String(format: "%.0f", $0) } ?? "null"))
    fields.append("\"messages\":\(outcome.messages)")
    if let note = outcome.note { fields.append("\"note\":\(jsonString(note))") }
    return "{" + fields.joined(separator: ",") + "}"
}
print("")
print("{\"bench\":\"decode\",\"cpus\":\(jsonString(cpus)),\"seconds_per_case\":\(options.seconds),\"results\":[\(entries.joined(separator: ","))]}")

// A case that could not be measured although its format is registered is a broken benchmark (or a
// broken adapter): say so through the exit status. Targets are figures to read, not a gate.
if outcomes.contains(where: { $0.note.map { !$0.hasPrefix("skipped: format") } ?? false }) {
    exit(1)
}
