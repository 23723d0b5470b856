// rules-bench: the rule engine alone, on one core — the shipped rule packs (config/gateway.yaml's
// devices and rules) plus generated rules, over many devices, fed readings in memory.
//
//   swift build -c release --product rules-bench
//   taskset -c 0 .build/release/rules-bench [--devices 10000] [--rules 1000] [--readings 5000000]
//
// Prints the evaluation rate (readings/s) in steady state, the cost of the first reading of each
// series (rule resolution), and the snapshot size. Values stay inside every threshold (what a
// healthy network sends), with every 10,000th reading far out of range so alerts do fire.
import Foundation
import GatewayConfig
import GatewayCore
import GatewayRules

struct Options {
    var devices = 10_000
    var rules = 1_000
    var readings = 5_000_000
    var config = "config/gateway.yaml"
}

func parseOptions() -> Options {
    var options = Options()
    var args = CommandLine.arguments.dropFirst()
    while let arg = args.popFirst() {
        func int() -> Int {
            guard let text = args.popFirst(), let n = Int(text.replacingOccurrences(of: "_", with: "")), n > 0 else {
                FileHandle.standardError.write(Data("\(arg) needs a positive integer\n".utf8))
                exit(2)
            }
            return n
        }
        switch arg {
        case "--devices": options.devices = int()
        case "--rules": options.rules = int()
        case "--readings": options.readings = int()
        case "--config":
            guard let path = args.popFirst() else { exit(2) }
            options.config = path
        case "--help", "-h":
            print("rules-bench [--devices N] [--rules N] [--readings N] [--config config/gateway.yaml]")
            exit(0)
        default:
            FileHandle.standardError.write(Data("unknown argument \(arg)\n".utf8))
            exit(2)
        }
    }
    return options
}

let options = parseOptions()
var configuration: RulesConfiguration
do {
    configuration = try ConfigurationLoader.load(path: options.config, options: .init(checkFiles: false)).configuration.rules
} catch {
    FileHandle.standardError.write(Data("rules-bench: \(error)\n".utf8))
    exit(1)
}
let packRules = configuration.rules.count

/// Per utility: the device prefix the shipped registry knows, and metrics with a normal value.
let fleets: [(Utility, String, [(String, Double)])] = [
    (.water, "wm", [("pressure", 415), ("flow", 36), ("chlorine_free", 0.6)]),
    (.power, "pm", [("voltage", 230), ("current", 44), ("frequency", 50)]),
    (.gas, "gm", [("pressure", 2.1), ("flow", 12), ("gas_leak", 0.5)]),
]

// Generated rules: `above` a level no normal value reaches, each on one metric of one utility and
// a hundredth of its devices (a device glob on the id's first digits).
for index in 0..<options.rules {
    let (utility, prefix, metrics) = fleets[index % 3]
    let (metric, normal) = metrics[index / 3 % metrics.count]
    configuration.rules.append(RuleDefinition(
        id: "bench.generated.\(index)", match: RuleMatch(
            utility: utility, device: Glob(String(format: "%@-%02d*", prefix, index / 9 % 100)), metric: Glob(metric)),
        condition: .above(SeverityLevels(warning: normal * 10, critical: normal * 20)), deadband: normal * 0.01,
        onDelayMillis: 30_000, offDelayMillis: 60_000))
}

var engine = RuleEngine(configuration: configuration)
let start: EpochMillis = 1_795_766_400_000
let seriesPerDevice = 3
let series = options.devices * seriesPerDevice
var generator = SeededGenerator(seed: 42)
let names: [(Utility, String, [(String, Double)])] = (0..<options.devices).map { device in
    let (utility, prefix, metrics) = fleets[device % 3]
    return (utility, String(format: "%@-%05d", prefix, device), metrics)
}

@MainActor func reading(_ index: Int) -> Reading {
    let device = index / seriesPerDevice % options.devices
    let (utility, name, metrics) = names[device]
    let (metric, normal) = metrics[index % seriesPerDevice]
    let round = index / series
    var value = normal * (1 + Double.random(in: -0.01...0.01, using: &generator))
    if index % 10_000 == 9_999 { value = normal * 30 }
    let ts = start + EpochMillis(round) * 10_000 + EpochMillis(device)
    return Reading(
        seq: Int64(index + 1), utility: utility, site: "site-01", device: name, metric: metric, value: value, unit: "",
        timestamp: ts, receivedAt: ts, quality: [], topic: "")
}

// First sight of every series: rule resolution and tracker creation.
var events: [AlertEvent] = []
let firstStarted = ContinuousClock.now
for index in 0..<series { engine.evaluate(reading(index), into: &events) }
let firstSeconds = (ContinuousClock.now - firstStarted) / .seconds(1)

// Steady state: readings prepared first, so only evaluation is timed.
let batch = 1_000_000
var evaluated = 0
var seconds = 0.0
while evaluated < options.readings {
    let count = min(batch, options.readings - evaluated)
    let readings = (0..<count).map { reading(series + evaluated + $0) }
    let started = ContinuousClock.now
    for reading in readings { engine.evaluate(reading, into: &events) }
    seconds += (ContinuousClock.now - started) / .seconds(1)
    evaluated += count
    events.removeAll(keepingCapacity: true)
}
let snapshot = try JSONEncoder().encode(engine.state)

print("rules: \(packRules) from the packs + \(options.rules) generated; devices: \(options.devices); series: \(series)")
print(String(format: "first reading of each series: %.1f µs (%.2f s for %d series)", firstSeconds / Double(series) * 1e6, firstSeconds, series))
print(String(format: "steady state: %d readings in %.2f s = %.0f readings/s (one core)", evaluated, seconds, Double(evaluated) / seconds))
print("alerts open: \(engine.activeAlerts.count); snapshot: \(snapshot.count / 1024) KiB")
print(#"{"rules_packs":\#(packRules),"rules_generated":\#(options.rules),"devices":\#(options.devices),"readings":\#(evaluated),"readings_per_s":\#(Int(Double(evaluated) / seconds)),"first_sight_us":\#(Int(firstSeconds / Double(series) * 1e6)),"snapshot_kib":\#(snapshot.count / 1024)}"#)
