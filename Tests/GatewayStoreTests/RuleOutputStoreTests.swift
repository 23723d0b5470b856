import Foundation
import GatewayCore
import Testing

@testable import GatewayStore

/// The rule engine's tables: one transaction per output, append-only histories, current rows
/// derived from the last event, and readings handed to the engine in store order across tiers.
@Suite struct RuleOutputStoreTests {
    func alertEntry(_ id: String, _ kind: String, state: String, at time: EpochMillis, current: Bool = true) -> AlertHistoryEntry {
        AlertHistoryEntry(
            alertID: id, time: time, kind: kind, state: state, actor: kind == "acknowledged" ? "alice" : nil,
            note: nil, body: #"{"alert_id":"\#(id)","kind":"\#(kind)"}"#,
            current: current
                ? AlertRow(
                    id: id, ruleID: "water.pressure.low", utility: .water, site: "north", device: "p-1", metric: "pressure",
                    state: state, severity: "critical", since: 1_000, updated: time, body: "{}")
                : nil)
    }

    @Test func outputsBuildCurrentRowsAndAnAppendOnlyHistory() throws {
        let dir = try TempDirectory()
        let store = try openStore(dir)
        try store.commit(RuleOutput(
            alertEvents: [
                alertEntry("A1", "activated", state: "active_unack", at: 1_000),
                alertEntry("A2", "pending", state: "pending", at: 1_500),
            ],
            state: ["cursor": Data("7".utf8)]))
        try store.commit(RuleOutput(alertEvents: [
            alertEntry("A1", "acknowledged", state: "active_ack", at: 2_000),
            alertEntry("A2", "pending_cancelled", state: "pending", at: 2_500, current: false),
        ]))
        #expect(try store.ruleState("cursor") == Data("7".utf8))
        #expect(try store.ruleState("missing") == nil)
        try store.close()

        let reader = try StoreReader(path: dir.database)
        let alerts = try reader.alerts(AlertFilter())
        #expect(alerts.map(\.id) == ["A1"])
        #expect(alerts.first?.state == "active_ack")
        #expect(try reader.alerts(AlertFilter(states: ["active_unack"])).isEmpty)
        #expect(try reader.alerts(AlertFilter(states: ["active_ack"], utility: .water, device: "p-1")).count == 1)
        let history = try reader.alertHistory(id: "A1")
        #expect(history.map(\.kind) == ["activated", "acknowledged"])
        #expect(history.last?.actor == "alice")
        #expect(try reader.alertHistory(id: "A2").map(\.kind) == ["pending", "pending_cancelled"])
    }

    @Test func historiesRefuseUpdatesAndDeletes() throws {
        let dir = try TempDirectory()
        let store = try openStore(dir)
        try store.commit(RuleOutput(
            alertEvents: [alertEntry("A1", "activated", state: "active_unack", at: 1_000)],
            ticketEvents: [
                TicketHistoryEntry(
                    ticketID: "T1", time: 1_000, kind: "opened", actor: nil, note: nil, body: "{}",
                    current: TicketRow(
                        id: "T1", ruleID: "r", utility: .gas, site: "s", device: "d", state: "open", step: "accept",
                        deadline: 2_000, opened: 1_000, updated: 1_000, body: "{}"))
            ]))
        #expect(throws: (any Error).self) { try store.executeForTesting("UPDATE alert_history SET note = 'x'") }
        #expect(throws: (any Error).self) { try store.executeForTesting("UPDATE ticket_history SET note = 'x'") }
        #expect(throws: (any Error).self) { try store.executeForTesting("DELETE FROM alert_history") }
        #expect(throws: (any Error).self) { try store.executeForTesting("DELETE FROM ticket_history") }
        try store.close()
    }

    @Test func ticketsKeepTheirArchive() throws {
        let dir = try TempDirectory()
        let store = try openStore(dir)
        func row(_ state: String, _ step: String?, deadline: EpochMillis?) -> TicketRow {
            TicketRow(
                id: "T1", ruleID: "gas.leak", utility: .gas, site: "s", device: "g-1", state: state, step: step,
                deadline: deadline, opened: 1_000, updated: 1_000, body: "{}")
        }
        try store.commit(RuleOutput(ticketEvents: [
            TicketHistoryEntry(ticketID: "T1", time: 1_000, kind: "opened", actor: nil, note: nil, body: "{}", current: row("open", "accept", deadline: 5_000)),
        ]))
        try store.commit(RuleOutput(ticketEvents: [
            TicketHistoryEntry(ticketID: "T1", time: 2_000, kind: "accepted", actor: "bob", note: "on my way", body: "{}", current: row("open", "investigate", deadline: 90_000)),
        ]))
        try store.close()
        let reader = try StoreReader(path: dir.database)
        #expect(try reader.tickets(TicketFilter(state: "open")).map(\.step) == ["investigate"])
        #expect(try reader.tickets(TicketFilter(overdueAt: 50_000)).isEmpty)
        #expect(try reader.tickets(TicketFilter(overdueAt: 100_000)).map(\.id) == ["T1"])
        #expect(try reader.ticketHistory(id: "T1").map(\.note) == [nil, "on my way"])
        #expect(try reader.ticket(id: "T9") == nil)
    }

    @Test func readingsAfterASeqComeInStoreOrderFromBothTiers() throws {
        let dir = try TempDirectory()
        let store = try openStore(dir)
        _ = try store.commit(IngestBatch(readings: (0..<5).map { reading(device: "d\($0 % 2)", ts: 10_000 - EpochMillis($0)) }))
        _ = try store.mergeNow()
        _ = try store.commit(IngestBatch(readings: (5..<8).map { reading(device: "d\($0 % 2)", ts: 20_000 + EpochMillis($0)) }))
        let all = try store.readings(afterSeq: 0, limit: 100)
        #expect(all.map(\.seq) == [1, 2, 3, 4, 5, 6, 7, 8])
        #expect(all.first?.timestamp == 10_000 && all.first?.device == "d0")
        #expect(try store.readings(afterSeq: 4, limit: 2).map(\.seq) == [5, 6])
        #expect(try store.readings(afterSeq: 8, limit: 10).isEmpty)
        try store.close()
    }
}
