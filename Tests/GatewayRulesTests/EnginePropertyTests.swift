import Foundation
import GatewayCore
import GatewayRules
import Testing

/// Random readings and operator actions never produce an illegal transition, the history always
/// rebuilds the current alerts, and a restart at any point changes nothing that follows.
@Suite("Rule engine: property test")
struct EnginePropertyTests {
    /// Where an alert is, in the model: not yet seen, in a state, or over.
    enum Node: Hashable {
        case new
        case state(AlertState)
        case over
    }

    struct Transition: Hashable {
        var from: Node
        var to: Node
    }

    /// The legal transitions, once, as data (ISA-18.2 plus the engine's flag events).
    static let legal: [AlertEventKind: Set<Transition>] = {
        let pending = Node.state(.pending), activeUnack = Node.state(.activeUnack)
        let activeAck = Node.state(.activeAck), clearedUnack = Node.state(.clearedUnack)
        let current = [pending, activeUnack, activeAck, clearedUnack]
        let unchanged = Set(current.map { Transition(from: $0, to: $0) })
        return [
            .pending: [Transition(from: .new, to: pending)],
            .activated: [Transition(from: .new, to: activeUnack), Transition(from: pending, to: activeUnack)],
            .severityChanged: [Transition(from: activeUnack, to: activeUnack), Transition(from: activeAck, to: activeAck)],
            .acknowledged: [Transition(from: activeUnack, to: activeAck), Transition(from: clearedUnack, to: .over)],
            .cleared: [
                Transition(from: activeUnack, to: clearedUnack), Transition(from: activeAck, to: .over),
            ],
            .pendingCancelled: [Transition(from: pending, to: .over)],
            .shelved: unchanged, .unshelved: unchanged, .shelveExpired: unchanged,
            .suppressed: unchanged, .unsuppressed: unchanged, .outOfService: unchanged, .inService: unchanged,
            .chattering: [Transition(from: activeUnack, to: activeUnack)],
            .floodStarted: [Transition(from: .new, to: activeUnack)],
            .floodEnded: [Transition(from: activeUnack, to: clearedUnack), Transition(from: activeAck, to: .over)],
            .ruleRemoved: Set(current.map { Transition(from: $0, to: .over) }),
        ]
    }()

    static let configuration = RulesConfiguration(
        devices: DeviceRegistry(entries: [
            .init(device: Glob("*"), attributes: [DeviceAttribute.expectedInterval: "30s"]),
            .init(device: Glob("d3"), attributes: [DeviceAttribute.safety: "true"]),
        ]),
        rules: [
            testRule(.above(SeverityLevels(warning: 20, critical: 25)), id: "hi", deadband: 2, on: sec(20), off: sec(30)),
            testRule(.below(SeverityLevels(warning: 2)), id: "lo"),
            testRule(.outside(low: SeverityLevels(critical: 0), high: SeverityLevels(warning: 27)), id: "out", metric: "flow", off: sec(10)),
            testRule(.rate(windowMillis: sec(60), rise: SeverityLevels(warning: 15), drop: SeverityLevels(critical: 20)), id: "rate", metric: "flow"),
            testRule(.noData(forMillis: nil), id: "nd", on: sec(5)),
            testRule(.noData(forMillis: sec(200)), id: "nd-flow", metric: "flow"),
            testRule(.flatline(forMillis: sec(90), tolerance: 1), id: "flat", metric: "flow"),
            testRule(.above(SeverityLevels(warning: 10)), id: "leak", metric: "gas_leak", safety: true),
        ],
        alerting: AlertingSettings(
            chatteringActivations: 3, chatteringWindowMillis: sec(60), chatteringShelveMillis: mins(5),
            floodNewAlerts: 4, floodWindowMillis: mins(3), floodEndBelow: 2))

    /// Draws random but reproducible inputs; operator actions mostly name current alerts.
    struct Inputs {
        var g: SeededGenerator
        var time: EpochMillis = 0
        var wall = wall0
        var burst: [EngineStep] = []

        init(seed: UInt64) { g = SeededGenerator(seed: seed) }

        mutating func id(_ engine: RuleEngine) -> String {
            let current = engine.activeAlerts
            if current.isEmpty || g.below(10) == 0 { return "A\(g.below(60) + 1)" }
            return current[g.below(current.count)].id
        }

        mutating func reading(_ value: Double, device: String, metric: String, site: String, late: EpochMillis = 0) -> EngineStep {
            .reading(
                Reading(
                    utility: .water, site: site, device: device, metric: metric, value: value, unit: "1",
                    timestamp: time - late, receivedAt: wall, topic: "t"))
        }

        mutating func next(_ engine: RuleEngine) -> EngineStep {
            if !burst.isEmpty { return burst.removeFirst() }
            wall += EpochMillis(g.below(5_000))
            let device = "d\(g.below(4))"
            let site = "s\(g.below(2))"
            switch g.below(100) {
            case 0..<68:
                time += EpochMillis(g.below(8_000))
                let late = g.below(20) == 0 ? EpochMillis(g.below(30_000)) : 0
                let value = Double(g.below(32)) - 2 + (g.below(4) == 0 ? 0.5 : 0)
                return reading(value, device: device, metric: ["pressure", "flow", "gas_leak"][g.below(3)], site: site, late: late)
            case 68..<70:
                // A chattering series: pressure toggling around the `lo` level.
                for n in 0..<6 {
                    time += 3_000
                    burst.append(reading(n % 2 == 0 ? 0 : 10, device: device, metric: "pressure", site: site))
                }
                return burst.removeFirst()
            case 70..<78:
                time += EpochMillis(g.below(120_000))
                wall += EpochMillis(g.below(120_000))
                return .advance(eventTime: time, wallTime: wall)
            case 78..<86: return .acknowledge(id(engine), at: wall)
            case 86..<90: return .shelve(id(engine), until: wall + EpochMillis(g.below(600_000)), at: wall)
            case 90..<93: return .unshelve(id(engine), at: wall)
            case 93..<96:
                let until: EpochMillis? = g.below(2) == 0 ? nil : wall + EpochMillis(g.below(300_000) + 1)
                return .outOfService(DeviceKey(site: site, device: device), until: until, at: wall)
            case 96..<99: return .inService(DeviceKey(site: site, device: device), at: wall)
            default: return .gap(at: wall)
            }
        }
    }

    /// Checks each event against the table and the model of every alert's state and flags.
    struct Checker {
        var nodes: [String: Node] = [:]
        var records: [String: AlertRecord] = [:]
        var problems: [String] = []

        mutating func check(_ event: AlertEvent, after step: EngineStep) {
            let from = nodes[event.alertID] ?? .new
            let to: Node = event.endsAlert ? .over : .state(event.state)
            let transition = Transition(from: from, to: to)
            func problem(_ text: String) { problems.append("\(text): \(event.alertID) \(event.kind) after \(step)") }
            if legal[event.kind]?.contains(transition) != true { problem("illegal \(from) → \(to)") }
            let previous: Node = event.previousState.map { .state($0) } ?? .new
            if previous != from { problem("previous_state \(String(describing: event.previousState)) but was \(from)") }
            let before = records[event.alertID]
            switch event.kind {
            case .shelved: if !event.shelved { problem("shelved event without the flag") }
            case .chattering: if !event.shelved || before?.shelved == true { problem("chattering flag") }
            case .unshelved, .shelveExpired: if event.shelved || before?.shelved != true { problem("unshelve flag") }
            case .suppressed: if !event.suppressed || before?.suppressed == true { problem("suppressed flag") }
            case .unsuppressed: if event.suppressed || before?.suppressed != true { problem("unsuppressed flag") }
            case .outOfService: if !event.outOfService || before?.outOfService == true { problem("oos flag") }
            case .inService: if event.outOfService || before?.outOfService != true { problem("in-service flag") }
            default: break
            }
            if event.safety && (event.shelved || event.duringFlood) { problem("safety alert shelved or flooded") }
            if let before, before.ruleID != event.ruleID || before.device != event.device { problem("identity changed") }
            nodes[event.alertID] = to
            AlertRecord.apply(event, to: &records)
        }
    }

    @Test(arguments: [1, 2, 3, 4, 5, 6, 7, 8] as [UInt64])
    func randomSequencesStayLegal(seed: UInt64) throws {
        var inputs = Inputs(seed: seed)
        let count = 4000
        var engine = RuleEngine(configuration: Self.configuration)
        var checker = Checker()
        // A restart every 400 steps: the restored copy must then agree with the engine step by step.
        let restartEvery = 400
        var copy: RuleEngine?
        var kinds = Set<AlertEventKind>()
        for n in 0..<count {
            let step = inputs.next(engine)
            if n % restartEvery == restartEvery / 2 { copy = try restarted(engine, configuration: Self.configuration) }
            let events = step.apply(to: &engine)
            if var restored = copy {
                let replayed = step.apply(to: &restored)
                copy = restored
                if replayed != events {
                    Issue.record("after a restart: step \(n) \(step) differs: \(replayed.map(\.kind)) vs \(events.map(\.kind))")
                    copy = nil
                }
            }
            for event in events {
                checker.check(event, after: step)
                kinds.insert(event.kind)
            }
            if checker.problems.count > 5 { break }
        }
        #expect(checker.problems.isEmpty, "\(checker.problems.prefix(5))")
        #expect(checker.records.values.sorted { AlertID.precedes($0.id, $1.id) } == engine.activeAlerts)
        // The sequence exercises most of the lifecycle, not just a corner of it.
        for kind in AlertEventKind.allCases where kind != .ruleRemoved {
            #expect(kinds.contains(kind), "seed \(seed) never produced \(kind)")
        }
    }
}
