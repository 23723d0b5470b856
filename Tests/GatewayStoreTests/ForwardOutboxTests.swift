import Foundation
import GatewayCore
import Testing

@testable import GatewayStore

/// The store side of store-and-forward: what is read after the cursors, from both tiers and both
/// histories, and cursors that survive closing the store.
@Suite struct ForwardOutboxTests {
    func alertEntry(_ id: String, at time: EpochMillis) -> AlertHistoryEntry {
        AlertHistoryEntry(
            alertID: id, time: time, kind: "activated", state: "active_unack", actor: nil, note: nil,
            body: #"{"alert_id":"\#(id)"}"#, current: nil)
    }

    func ticketEntry(_ id: String, at time: EpochMillis) -> TicketHistoryEntry {
        TicketHistoryEntry(
            ticketID: id, time: time, kind: "opened", actor: nil, note: nil, body: "{}",
            current: TicketRow(
                id: id, ruleID: "r", utility: .water, site: "s", device: "d", state: "open", step: "accept",
                deadline: nil, opened: time, updated: time, body: "{}"))
    }

    @Test func readingsAfterTheCursorComeFromBothTiersInSeqOrderWithTheirSeries() throws {
        let dir = try TempDirectory()
        let store = try openStore(dir)
        _ = try store.commit(IngestBatch(readings: (0..<5).map { reading(device: "d\($0 % 2)", ts: 10_000 + EpochMillis($0), value: Double($0)) }))
        _ = try store.mergeNow()
        _ = try store.commit(IngestBatch(readings: (5..<8).map { reading(device: "d\($0 % 2)", ts: 10_000 + EpochMillis($0), value: Double($0)) }))
        let outbox = try ForwardOutbox(path: dir.database, synchronous: .normal)
        #expect(outbox.generation == store.generation)
        let all = try outbox.readings(afterSeq: 0, limit: 100)
        #expect(all.map(\.seq) == [1, 2, 3, 4, 5, 6, 7, 8])
        #expect(all.map(\.value) == (0..<8).map(Double.init))
        #expect(all[3] == OutboxReading(
            seq: 4, utility: "water", site: "site-a", device: "d1", metric: "pressure", value: 3, unit: "kPa",
            timestamp: 10_003, receivedAt: 10_010))
        #expect(try outbox.readings(afterSeq: 3, limit: 3).map(\.seq) == [4, 5, 6], "a limit across the tiers")
        #expect(try outbox.readings(afterSeq: 8, limit: 10).isEmpty)
        let backlog = try outbox.backlog(after: ForwardCursors(readings: 5))
        #expect(backlog == ForwardBacklog(readings: 3, oldestReceivedAt: 10_012, events: 0))
        #expect(try outbox.backlog(after: ForwardCursors(readings: 8)) == ForwardBacklog(readings: 0, oldestReceivedAt: nil, events: 0))
        try outbox.close()
        try store.close()
    }

    @Test func eventsOfBothHistoriesAreMergedByTimeEachInItsOwnOrder() throws {
        let dir = try TempDirectory()
        let store = try openStore(dir)
        try store.commit(RuleOutput(
            alertEvents: [alertEntry("A1", at: 1_000), alertEntry("A2", at: 3_000)],
            ticketEvents: [ticketEntry("T1", at: 2_000), ticketEntry("T2", at: 3_000)]))
        let outbox = try ForwardOutbox(path: dir.database, synchronous: .normal)
        let events = try outbox.events(after: ForwardCursors(), limit: 10)
        #expect(events.map(\.entityID) == ["A1", "T1", "A2", "T2"], "by time; an alert first on a tie")
        #expect(events.map(\.stream) == [.alertHistory, .ticketHistory, .alertHistory, .ticketHistory])
        #expect(events[0].state == "active_unack" && events[1].state == nil)
        #expect(events[0].body == #"{"alert_id":"A1"}"#)
        let rest = try outbox.events(after: ForwardCursors(alertHistory: 1, ticketHistory: 2), limit: 10)
        #expect(rest.map(\.entityID) == ["A2"])
        #expect(try outbox.backlog(after: ForwardCursors(alertHistory: 1)).events == 3)
        try outbox.close()
        try store.close()
    }

    @Test func cursorsPersistAndNeverMoveBack() throws {
        let dir = try TempDirectory()
        let store = try openStore(dir)
        let outbox = try ForwardOutbox(path: dir.database, synchronous: .normal)
        #expect(try outbox.cursors() == ForwardCursors())
        try outbox.save(ForwardCursors(readings: 500, alertHistory: 3, ticketHistory: 1), now: 1_000)
        try outbox.save(ForwardCursors(readings: 400, alertHistory: 4, ticketHistory: 1), now: 2_000)
        try outbox.close()
        try store.close()
        let reopened = try openStore(dir)
        let again = try ForwardOutbox(path: dir.database, synchronous: .normal)
        #expect(try again.cursors() == ForwardCursors(readings: 500, alertHistory: 4, ticketHistory: 1))
        try again.close()
        try reopened.close()
    }

    @Test func anOutboxNeedsAMigratedStore() throws {
        let dir = try TempDirectory()
        #expect(FileManager.default.createFile(atPath: dir.database, contents: nil))
        #expect(throws: StoreError.self) { _ = try ForwardOutbox(path: dir.database, synchronous: .normal) }
    }
}
