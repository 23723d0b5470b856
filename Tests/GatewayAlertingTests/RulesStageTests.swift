import Foundation
import GatewayAlerting
import GatewayCore
import GatewayRules
import GatewayStore
import GatewayTestSupport
import Logging
import Synchronization
import Testing

/// A wall clock the test moves.
final class TestClock: WallClock {
    private let millis: Mutex<EpochMillis>
    init(_ start: EpochMillis) { millis = Mutex(start) }
    func now() -> EpochMillis { millis.withLock { $0 } }
    func set(_ value: EpochMillis) { millis.withLock { $0 = value } }
}

/// The rules stage against a real store: store order, one transaction per output, restarts that
/// neither repeat nor forget, operator actions durable before they return.
@Suite struct RulesStageTests {
    static let start: EpochMillis = 1_795_766_400_000  // 2026-11-27T08:00:00Z

    static let rules = RulesConfiguration(rules: [
        RuleDefinition(
            id: "water.pressure.low", match: RuleMatch(utility: .water, metric: Glob("pressure")),
            condition: .below(SeverityLevels(warning: 160, critical: 140)), deadband: 5, onDelayMillis: 60_000,
            offDelayMillis: 0, risk: Risk(level: .high, category: .technical),
            ticket: TicketPolicy(when: .critical, steps: [.accept: .duration(millis: 3_600_000)])),
    ])

    static var logger: Logger {
        var logger = Logger(label: "rules-stage-tests")
        logger.logLevel = .critical
        return logger
    }

    final class Setup {
        let directory: TemporaryDirectory
        let clock = TestClock(RulesStageTests.start)
        var store: ReadingStore

        init() throws {
            directory = try TemporaryDirectory(prefix: "rules-stage")
            store = try ReadingStore(path: directory.file("gateway.sqlite").path, synchronous: .normal, logger: RulesStageTests.logger)
        }

        func stage(flushInterval: Duration = .zero) throws -> RulesStage {
            try RulesStage(
                configuration: RulesStageTests.rules, store: store, clock: clock, flushInterval: flushInterval,
                logger: RulesStageTests.logger)
        }

        /// Pressure readings of device p-1, one a second from `offset` seconds after the start.
        func commit(_ values: [Double], from offset: Int) throws {
            let readings = values.enumerated().map { index, value in
                let ts = RulesStageTests.start + EpochMillis((offset + index) * 1000)
                return Reading(
                    utility: .water, site: "north", device: "p-1", metric: "pressure", value: value, unit: "kPa",
                    timestamp: ts, receivedAt: ts, quality: [], topic: "w/north/p-1")
            }
            _ = try store.commit(IngestBatch(readings: readings))
        }

        /// Closes and reopens the store, as a restart does.
        func restart() throws {
            try store.close()
            store = try ReadingStore(path: directory.file("gateway.sqlite").path, synchronous: .normal, logger: RulesStageTests.logger)
        }

        func history() throws -> [String] {
            let reader = try StoreReader(path: directory.file("gateway.sqlite").path)
            return try reader.alertHistory(id: "A1").map(\.kind)
        }

        deinit { try? store.close() }
    }

    @Test func anAlertAndItsTicketAreWrittenWithTheCursor() throws {
        let setup = try Setup()
        let stage = try setup.stage()
        try setup.commit(Array(repeating: 120, count: 61), from: 0)
        #expect(try stage.catchUp() == 61)
        #expect(try setup.history() == ["pending", "activated"])
        let reader = try StoreReader(path: setup.directory.file("gateway.sqlite").path)
        let ticket = try #require(try reader.tickets(TicketFilter()).first)
        #expect(ticket.ruleID == "water.pressure.low" && ticket.step == "accept")
        #expect(ticket.deadline == setup.clock.now() + 3_600_000)
        #expect(try stage.catchUp() == 0, "nothing new")
    }

    @Test func aRestartInTheMiddleOfAnOnDelayNeitherRepeatsNorForgets() throws {
        let setup = try Setup()
        var stage = try setup.stage()
        try setup.commit(Array(repeating: 120, count: 30), from: 0)  // pending, 30 s of the 60 s on-delay
        try stage.catchUp()
        #expect(try setup.history() == ["pending"])
        try setup.restart()
        stage = try setup.stage()
        try setup.commit(Array(repeating: 120, count: 31), from: 30)
        try stage.catchUp()
        #expect(try setup.history() == ["pending", "activated"], "the restored timer completed; no second pending")
    }

    @Test func aCrashBeforeTheWriteEvaluatesAgainAndWritesEachEventOnce() throws {
        let setup = try Setup()
        // A stage that holds its output for an hour: the "crash" (dropping it, as kill -9 would)
        // loses its unwritten events and cursor.
        let lazy = try setup.stage(flushInterval: .seconds(3600))
        try setup.commit(Array(repeating: 120, count: 61), from: 0)
        try lazy.catchUp()
        #expect(try setup.history().isEmpty)
        try setup.restart()
        let stage = try setup.stage()
        try stage.catchUp()
        #expect(try setup.history() == ["pending", "activated"])
        let reader = try StoreReader(path: setup.directory.file("gateway.sqlite").path)
        #expect(try reader.tickets(TicketFilter()).count == 1)
    }

    @Test func operatorActionsAreDurableWhenTheyReturn() throws {
        let setup = try Setup()
        let stage = try setup.stage(flushInterval: .seconds(3600))
        try setup.commit(Array(repeating: 120, count: 61), from: 0)
        try stage.catchUp()
        setup.clock.set(RulesStageTests.start + 120_000)
        let record = try stage.acknowledge(alertID: "A1", actor: "alice", note: "crew informed")
        #expect(record.state == .activeAck)
        #expect(try setup.history() == ["pending", "activated", "acknowledged"], "written at once, with what was pending")
        let reader = try StoreReader(path: setup.directory.file("gateway.sqlite").path)
        #expect(try reader.alertHistory(id: "A1").last?.actor == "alice")

        let ticket = try #require(try reader.tickets(TicketFilter()).first)
        let accepted = try stage.ticket(ticket.id, .accept, actor: "bob", note: nil)
        #expect(accepted.step == .investigate)
        #expect(throws: OperatorActionError.self) { try stage.ticket(ticket.id, .feedback, actor: "bob", note: nil) }
        #expect(throws: OperatorActionError.self) { try stage.acknowledge(alertID: "A99", actor: "alice", note: nil) }
        #expect(try reader.ticketHistory(id: ticket.id).map(\.actor).last == "bob")
    }

    @Test func aDataGapBecomesAnAlert() throws {
        let setup = try Setup()
        let stage = try setup.stage()
        try stage.record(GatewayEvent(timestamp: RulesStageTests.start, kind: .possibleDataGap, message: "session lost"))
        let reader = try StoreReader(path: setup.directory.file("gateway.sqlite").path)
        #expect(try reader.alerts(AlertFilter()).map(\.ruleID) == ["gateway.possible_data_gap"])
    }

    @Test func anOverdueStepRaisesAnAlertThatAcknowledgementEnds() throws {
        let setup = try Setup()
        let stage = try setup.stage()
        try setup.commit(Array(repeating: 120, count: 61), from: 0)
        try stage.catchUp()
        setup.clock.set(RulesStageTests.start + 2 * 3_600_000)  // the accept step was due within the hour
        try stage.tick()
        let reader = try StoreReader(path: setup.directory.file("gateway.sqlite").path)
        let overdue = try #require(try reader.alerts(AlertFilter(rule: "ticket.overdue")).first)
        #expect(overdue.device == "p-1" && overdue.metric == "ticket:T1" && overdue.severity == "critical")
        #expect(try reader.ticketHistory(id: "T1").map(\.kind).suffix(2) == ["overdue", "escalated"])
        try stage.tick()
        #expect(try reader.alerts(AlertFilter(rule: "ticket.overdue")).count == 1, "once per step")
        _ = try? stage.acknowledge(alertID: overdue.id, actor: "alice", note: nil)
        #expect(try reader.alerts(AlertFilter(rule: "ticket.overdue")).first?.state == "cleared")
    }

    @Test func rulesAddedLaterStartAtTheStoresEndNotItsHistory() throws {
        let setup = try Setup()
        _ = try RulesStage(configuration: RulesConfiguration(), store: setup.store, clock: setup.clock, logger: RulesStageTests.logger)
        try setup.commit(Array(repeating: 120, count: 61), from: 0)  // ingested while no rules were configured
        try setup.restart()
        let stage = try setup.stage()
        #expect(try stage.catchUp() == 0)
        try setup.commit(Array(repeating: 120, count: 61), from: 61)
        #expect(try stage.catchUp() == 61)
    }
}
