import Foundation
import GatewayCore
import GatewayRules

/// One input to the engine, so that the same sequence can be replayed into several engines.
enum EngineStep: Sendable, CustomStringConvertible {
    case reading(Reading)
    case advance(eventTime: EpochMillis, wallTime: EpochMillis)
    case acknowledge(String, at: EpochMillis)
    case shelve(String, until: EpochMillis, at: EpochMillis)
    case unshelve(String, at: EpochMillis)
    case outOfService(DeviceKey, until: EpochMillis?, at: EpochMillis)
    case inService(DeviceKey, at: EpochMillis)
    case gap(at: EpochMillis)

    var description: String {
        switch self {
        case .reading(let r): "reading \(r.device)/\(r.metric)=\(r.value)@\(r.timestamp)"
        case .advance(let e, let w): "advance \(e) wall \(w)"
        case .acknowledge(let id, let at): "ack \(id)@\(at)"
        case .shelve(let id, let until, let at): "shelve \(id) until \(until)@\(at)"
        case .unshelve(let id, let at): "unshelve \(id)@\(at)"
        case .outOfService(let d, let until, let at): "oos \(d) until \(String(describing: until))@\(at)"
        case .inService(let d, let at): "in-service \(d)@\(at)"
        case .gap(let at): "gap@\(at)"
        }
    }

    /// Applies the step; a refused action gives no events (and must change nothing).
    func apply(to engine: inout RuleEngine) -> [AlertEvent] {
        switch self {
        case .reading(let reading): return engine.evaluate(reading)
        case .advance(let eventTime, let wallTime): return engine.advance(eventTime: eventTime, wallTime: wallTime)
        case .acknowledge(let id, let at): return (try? engine.acknowledge(alertID: id, actor: "op", note: "n", at: at)) ?? []
        case .shelve(let id, let until, let at): return (try? engine.shelve(alertID: id, until: until, actor: "op", at: at)) ?? []
        case .unshelve(let id, let at): return (try? engine.unshelve(alertID: id, actor: "op", at: at)) ?? []
        case .outOfService(let device, let until, let at):
            return (try? engine.setOutOfService(device, until: until, actor: "op", at: at)) ?? []
        case .inService(let device, let at): return (try? engine.setInService(device, actor: "op", at: at)) ?? []
        case .gap(let at): return engine.recordGatewayEvent(GatewayEvent(timestamp: at, kind: .possibleDataGap, message: "gap"))
        }
    }
}

/// The engine as the daemon would keep it across a restart: state → JSON → state.
func restarted(_ engine: RuleEngine, configuration: RulesConfiguration) throws -> RuleEngine {
    let data = try JSONEncoder().encode(engine.state)
    return RuleEngine(configuration: configuration, state: try JSONDecoder().decode(RuleEngineState.self, from: data))
}

func run(_ steps: [EngineStep], on engine: inout RuleEngine) -> [AlertEvent] {
    steps.flatMap { $0.apply(to: &engine) }
}
