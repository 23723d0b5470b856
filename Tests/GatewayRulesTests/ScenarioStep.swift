import Foundation
import GatewayCore
import GatewayRules

/// One line of a scenario's `readings.jsonl`: a reading, time passing, an operator action, a
/// gateway event, a ticket verb or a restart. Blank lines and lines starting with `#` are comments.
///
/// ```
/// {"ts": "2026-11-27T08:00:00Z", "utility": "water", "site": "north", "device": "pt-1", "metric": "pressure", "value": 150}
/// {"advance": {"event_time": "…", "wall_time": "…"}}          wall_time defaults to event_time
/// {"ack": "A1", "actor": "alice", "note": "…", "at": "…"}
/// {"shelve": "A1", "until": "…", "actor": "alice", "at": "…"}    {"unshelve": "A1", "actor": "alice", "at": "…"}
/// {"out_of_service": {"site": "north", "device": "pt-1"}, "until": "…", "actor": "bob", "at": "…"}
/// {"in_service": {"site": "north", "device": "pt-1"}, "actor": "bob", "at": "…"}
/// {"gateway_event": "possible_data_gap", "at": "…", "message": "…"}
/// {"restart": true}
/// {"ticket": "accept", "id": "T1", "actor": "carol", "at": "…"}   also investigate, handle, feedback,
///                                                                 close (with "reason"), assign (with "to")
/// {"check_deadlines": "…"}
/// ```
/// A reading's wall time (`receivedAt`) is its `ts` unless it says `"received": "…"`.
enum ScenarioStep {
    case reading(Reading)
    case advance(eventTime: EpochMillis, wallTime: EpochMillis)
    case acknowledge(String, actor: String, note: String?, at: EpochMillis)
    case shelve(String, until: EpochMillis, actor: String, note: String?, at: EpochMillis)
    case unshelve(String, actor: String, note: String?, at: EpochMillis)
    case outOfService(DeviceKey, until: EpochMillis?, actor: String, note: String?, at: EpochMillis)
    case inService(DeviceKey, actor: String, note: String?, at: EpochMillis)
    case gatewayEvent(GatewayEvent)
    case restart
    case ticket(verb: String, id: String, actor: String, note: String?, argument: String?, at: EpochMillis)
    case checkDeadlines(at: EpochMillis)

    static func parse(file: String, text: String) throws(ScenarioError) -> [ScenarioStep] {
        var steps: [ScenarioStep] = []
        for (offset, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            guard !line.isEmpty, !line.hasPrefix("#") else { continue }
            let values: [String: Any]
            do {
                guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                    throw ScenarioError("\(file):\(offset + 1): expected a JSON object")
                }
                values = object
            } catch let error as ScenarioError {
                throw error
            } catch {
                throw ScenarioError("\(file):\(offset + 1): not JSON: \(error)")
            }
            steps.append(try parse(ScenarioObject(file: file, line: offset + 1, values: values)))
        }
        return steps
    }

    static func parse(_ o: ScenarioObject) throws(ScenarioError) -> ScenarioStep {
        let action: Set = ["actor", "note", "at"]
        if o.has("ts") {
            try o.allowOnly(["ts", "utility", "site", "device", "metric", "value", "received"])
            let utilityName = try o.string("utility")
            guard let utility = Utility(rawValue: utilityName) else { throw o.fail("unknown utility \(utilityName)") }
            let ts = try o.time("ts")
            return .reading(
                Reading(
                    utility: utility, site: try o.string("site"), device: try o.string("device"),
                    metric: try o.string("metric"), value: try o.number("value"), unit: "",
                    timestamp: ts, receivedAt: try o.optionalTime("received") ?? ts, topic: "scenario"))
        }
        if o.has("advance") {
            try o.allowOnly(["advance"])
            let inner = try o.object("advance")
            try inner.allowOnly(["event_time", "wall_time"])
            let eventTime = try inner.time("event_time")
            return .advance(eventTime: eventTime, wallTime: try inner.optionalTime("wall_time") ?? eventTime)
        }
        if o.has("ack") {
            try o.allowOnly(action.union(["ack"]))
            return .acknowledge(try o.string("ack"), actor: try o.string("actor"), note: try o.optionalString("note"), at: try o.time("at"))
        }
        if o.has("shelve") {
            try o.allowOnly(action.union(["shelve", "until"]))
            return .shelve(
                try o.string("shelve"), until: try o.time("until"), actor: try o.string("actor"),
                note: try o.optionalString("note"), at: try o.time("at"))
        }
        if o.has("unshelve") {
            try o.allowOnly(action.union(["unshelve"]))
            return .unshelve(try o.string("unshelve"), actor: try o.string("actor"), note: try o.optionalString("note"), at: try o.time("at"))
        }
        if o.has("out_of_service") {
            try o.allowOnly(action.union(["out_of_service", "until"]))
            return .outOfService(
                try device(o.object("out_of_service")), until: try o.optionalTime("until"), actor: try o.string("actor"),
                note: try o.optionalString("note"), at: try o.time("at"))
        }
        if o.has("in_service") {
            try o.allowOnly(action.union(["in_service"]))
            return .inService(
                try device(o.object("in_service")), actor: try o.string("actor"), note: try o.optionalString("note"),
                at: try o.time("at"))
        }
        if o.has("gateway_event") {
            try o.allowOnly(["gateway_event", "at", "message"])
            let name = try o.string("gateway_event")
            guard let kind = GatewayEvent.Kind(rawValue: name) else { throw o.fail("unknown gateway event \(name)") }
            return .gatewayEvent(
                GatewayEvent(timestamp: try o.time("at"), kind: kind, message: try o.optionalString("message") ?? name))
        }
        if o.has("restart") {
            try o.allowOnly(["restart"])
            return .restart
        }
        if o.has("ticket") {
            try o.allowOnly(action.union(["ticket", "id", "reason", "to"]))
            let verb = try o.string("ticket")
            let argument: String?
            switch verb {
            case "accept", "investigate", "handle", "feedback": argument = nil
            case "close": argument = try o.string("reason")
            case "assign": argument = try o.string("to")
            default: throw o.fail("unknown ticket verb \(verb): expected accept, investigate, handle, feedback, close or assign")
            }
            return .ticket(
                verb: verb, id: try o.string("id"), actor: try o.string("actor"), note: try o.optionalString("note"),
                argument: argument, at: try o.time("at"))
        }
        if o.has("check_deadlines") {
            try o.allowOnly(["check_deadlines"])
            return .checkDeadlines(at: try o.time("check_deadlines"))
        }
        throw o.fail("not a reading (`ts`) nor a known step: advance, ack, shelve, unshelve, out_of_service, in_service, gateway_event, restart, ticket, check_deadlines")
    }

    private static func device(_ o: ScenarioObject) throws(ScenarioError) -> DeviceKey {
        try o.allowOnly(["site", "device"])
        return DeviceKey(site: try o.string("site"), device: try o.string("device"))
    }
}
