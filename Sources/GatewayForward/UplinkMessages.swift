import Foundation
import GatewayCore
import GatewayStore

/// The JSON the uplink publishes (documented in the README, "Uplink message format").
///
/// Every record carries the gateway id, the store generation and its seq: a store rebuilt from
/// scratch gets a new generation, so (gateway, generation, stream, seq) identifies a record for good
/// and the central side can drop the duplicates a crash or a reconnect produces.
enum UplinkMessages {
    /// One reading inside a batch. Keys per DESIGN §4 (snake_case, RFC 3339 UTC with milliseconds).
    struct ReadingJSON: Encodable {
        let seq: Int64
        let utility: String
        let site: String
        let device: String
        let metric: String
        let value: Double
        let unit: String
        let ts: String
        let received_at: String
    }

    /// The batch envelope, written around the readings' JSON.
    static func batchPrefix(gateway: String, generation: String) -> [UInt8] {
        // Both values are validated names/hex ids, but JSONEncoder escapes them anyway.
        let encoder = JSONEncoder()
        let id = (try? encoder.encode(gateway)).map { Array($0) } ?? Array("\"\"".utf8)
        let gen = (try? encoder.encode(generation)).map { Array($0) } ?? Array("\"\"".utf8)
        return Array(#"{"gateway":"#.utf8) + id + Array(#","generation":"#.utf8) + gen + Array(#","readings":["#.utf8)
    }

    static let batchSuffix = Array("]}".utf8)

    /// One reading's JSON.
    static func encode(_ reading: OutboxReading, encoder: JSONEncoder) throws -> [UInt8] {
        Array(try encoder.encode(ReadingJSON(
            seq: reading.seq, utility: reading.utility, site: reading.site, device: reading.device,
            metric: reading.metric, value: reading.value, unit: reading.unit, ts: RFC3339.format(reading.timestamp),
            received_at: RFC3339.format(reading.receivedAt))))
    }

    /// One alert or ticket event — on `<prefix>/events` and, byte for byte, the body of a webhook POST.
    /// `event` is the rules stage's own JSON of the event, embedded as is.
    static func event(_ event: OutboxEvent, gateway: String, generation: String) throws -> [UInt8] {
        var object: [String: Any] = [
            "gateway": gateway, "generation": generation, "stream": event.stream.rawValue, "seq": event.seq,
            "type": event.stream == .alertHistory ? "alert" : "ticket", "id": event.entityID,
            "ts": RFC3339.format(event.time), "kind": event.kind,
            // The event's name (`alert.active`, `ticket.overdue`, …): webhooks filter on it.
            "name": EventNames.name(isAlert: event.stream == .alertHistory, kind: event.kind),
        ]
        if let state = event.state { object["state"] = state }
        if let actor = event.actor { object["actor"] = actor }
        if let note = event.note { object["note"] = note }
        if let body = try? JSONSerialization.jsonObject(with: Data(event.body.utf8), options: [.fragmentsAllowed]) {
            object["event"] = body
        } else {
            object["event"] = event.body
        }
        return Array(try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]))
    }

    /// The retained status: `online` after every connect, `offline` on a graceful stop and as the
    /// last will (without `since`: the broker publishes it whenever the link dies).
    static func status(_ state: String, gateway: String, generation: String, since: EpochMillis?) -> [UInt8] {
        var object: [String: Any] = ["gateway": gateway, "generation": generation, "state": state]
        if let since { object["since"] = RFC3339.format(since) }
        return Array((try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data())
    }
}
