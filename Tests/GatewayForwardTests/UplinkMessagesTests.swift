import Foundation
import GatewayStore
import Testing

@testable import GatewayForward

/// The wire format the README documents, parsed back as the central side would.
@Suite struct UplinkMessagesTests {
    func object(_ bytes: [UInt8]) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
    }

    @Test func aBatchCarriesTheGatewayTheGenerationAndEveryReadingsSeq() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let reading = OutboxReading(
            seq: 42, utility: "water", site: "north", device: "m-\"1\"", metric: "pressure", value: 412.5, unit: "kPa",
            timestamp: 1_795_766_400_123, receivedAt: 1_795_766_400_200)
        let one = try UplinkMessages.encode(reading, encoder: encoder)
        let payload = UplinkMessages.batchPrefix(gateway: "site-01", generation: "abc123") + one + Array(",".utf8) + one
            + UplinkMessages.batchSuffix
        let json = try object(payload)
        #expect(json["gateway"] as? String == "site-01" && json["generation"] as? String == "abc123")
        let readings = try #require(json["readings"] as? [[String: Any]])
        #expect(readings.count == 2)
        let first = readings[0]
        #expect(Set(first.keys) == ["seq", "utility", "site", "device", "metric", "value", "unit", "ts", "received_at"])
        #expect((first["seq"] as? NSNumber)?.int64Value == 42)
        #expect(first["device"] as? String == "m-\"1\"", "quotes are escaped")
        #expect((first["value"] as? NSNumber)?.doubleValue == 412.5)
        #expect(first["ts"] as? String == "2026-11-27T08:00:00.123Z")
        #expect(first["received_at"] as? String == "2026-11-27T08:00:00.200Z")
    }

    @Test func anEventEmbedsTheRulesStagesJSON() throws {
        let event = OutboxEvent(
            stream: .alertHistory, seq: 7, entityID: "A-1", time: 1_795_766_400_000, kind: "activated",
            state: "active_unack", actor: nil, note: nil, body: #"{"rule":"water.pressure.low","severity":"critical"}"#)
        let json = try object(try UplinkMessages.event(event, gateway: "site-01", generation: "g"))
        #expect(json["stream"] as? String == "alert_history" && (json["seq"] as? NSNumber)?.int64Value == 7)
        #expect(json["type"] as? String == "alert" && json["id"] as? String == "A-1" && json["kind"] as? String == "activated")
        #expect(json["ts"] as? String == "2026-11-27T08:00:00.000Z" && json["state"] as? String == "active_unack")
        #expect((json["event"] as? [String: Any])?["severity"] as? String == "critical")
        #expect(json["actor"] == nil)
        var broken = event
        broken.body = "not json"
        #expect(try object(try UplinkMessages.event(broken, gateway: "site-01", generation: "g"))["event"] as? String == "not json")
    }

    @Test func statusMessages() throws {
        let online = try object(UplinkMessages.status("online", gateway: "site-01", generation: "g", since: 1_795_766_400_000))
        #expect(online["state"] as? String == "online" && online["since"] as? String == "2026-11-27T08:00:00.000Z")
        let will = try object(UplinkMessages.status("offline", gateway: "site-01", generation: "g", since: nil))
        #expect(will["state"] as? String == "offline" && will["since"] == nil)
    }
}
