import Foundation
import GatewayAlerting
import GatewayCore
import GatewayRules
import GatewayStore
import GatewayTestSupport
import Logging
import Synchronization

/// A store with alerts, tickets and their histories written by the real rules stage (engine and
/// ticket book) over fixed readings, a fixed rule set and a clock the test moves — so that the
/// CLI's alert and ticket output can be compared byte for byte with golden files.
///
/// Everything happens in March 2026, so every deadline is in the past whenever the tests run: the
/// `overdue` columns, which depend on the real clock, do not change from one run to the next.
enum RulesGoldenStore {
    /// 2026-03-02T08:00:00Z, a Monday.
    static let base: EpochMillis = 1_772_438_400_000

    static let configuration = RulesConfiguration(rules: [
        RuleDefinition(
            id: "water.pressure.low", description: "Service pressure below the standard",
            match: RuleMatch(utility: .water, metric: Glob("pressure")),
            condition: .below(SeverityLevels(warning: 160, critical: 140)), deadband: 5,
            risk: Risk(level: .high, category: .technical),
            ticket: TicketPolicy(when: .critical, steps: [
                .accept: .duration(millis: 900_000), .investigate: .duration(millis: 86_400_000),
                .handle: .workingDays(7), .feedback: .workingDays(2),
            ])),
        RuleDefinition(
            id: "power.voltage.high", match: RuleMatch(utility: .power, metric: Glob("voltage")),
            condition: .above(SeverityLevels(warning: 235.4, critical: 242))),
    ])

    /// Writes the store at `directory/gateway.sqlite`, closes it and returns its path.
    static func make(in directory: TemporaryDirectory) throws -> String {
        let path = directory.file("gateway.sqlite").path
        var logger = Logger(label: "golden-rules")
        logger.logLevel = .critical
        let store = try ReadingStore(path: path, synchronous: .normal, logger: logger)
        let clock = SettableClock(base)
        let stage = try RulesStage(
            configuration: configuration, store: store, clock: clock, flushInterval: .zero, logger: logger)

        // Minute by minute: p-7 drops to warning (A1), then critical (ticket T1); a device with a
        // formula-looking id goes above its voltage warning (A2) and back; p-9 at a site with a
        // comma in its name goes critical (A3, ticket T2) and recovers past the deadband.
        let pressure7: [Double] = [200, 150, 130, 128.5]
        let voltage: [Double] = [230, 240.25, 231, 230]
        let pressure9: [Double] = [170, 170, 120, 166]
        for minute in 0..<4 {
            let ts = base + EpochMillis(minute) * 60_000
            let readings = [
                reading(.water, "north", "p-7", "pressure", pressure7[minute], "kPa", ts),
                reading(.power, "sub-2", "=HYPERLINK(\"x\")", "voltage", voltage[minute], "V", ts),
                reading(.water, "south, east", "p-9", "pressure", pressure9[minute], "kPa", ts),
            ]
            _ = try store.commit(IngestBatch(readings: readings, quarantined: []))
            clock.set(ts + 500)
            try stage.catchUp()
            try stage.tick()
        }

        // The operators.
        clock.set(base + 5 * 60_000)
        _ = try stage.acknowledge(alertID: "A1", actor: "alice", note: "crew called, \"valve 3\" suspected")
        clock.set(base + 6 * 60_000)
        _ = try stage.ticket("T1", .accept, actor: "alice", note: nil)
        clock.set(base + 7 * 60_000)
        _ = try stage.ticket("T1", .assign, actor: "alice", note: "night crew", assignee: "crew-3")
        clock.set(base + 20 * 60_000)
        try stage.tick()  // T2 was not accepted within 15 minutes: overdue, escalated
        _ = try stage.ticket("T2", .close, actor: "bob", note: "sensor swapped, reading was wrong", reason: .falseAlarm)
        clock.set(base + 3 * 3_600_000)
        _ = try stage.ticket("T1", .investigate, actor: "bob", note: "main break, 2 m, at the crossing")
        do {
            _ = try stage.acknowledge(alertID: "A2", actor: "bob", note: nil)
        } catch let error as OperatorActionError where error.code == "alert_closed" {
            // Acknowledging a cleared_unack alert ends it: done, and on the record.
        }
        _ = try stage.shelve(alertID: "A1", until: base + 5 * 3_600_000, actor: "bob", note: "known, crew on site")
        try stage.tick()
        try store.close()
        return path
    }

    private static func reading(
        _ utility: Utility, _ site: String, _ device: String, _ metric: String, _ value: Double, _ unit: String,
        _ ts: EpochMillis
    ) -> Reading {
        Reading(
            utility: utility, site: site, device: device, metric: metric, value: value, unit: unit, timestamp: ts,
            receivedAt: ts + 100, quality: [], topic: "\(utility.rawValue)/\(device)")
    }
}

/// A wall clock that says what the test last set.
final class SettableClock: WallClock {
    private let millis: Mutex<EpochMillis>

    init(_ millis: EpochMillis) { self.millis = Mutex(millis) }

    func now() -> EpochMillis { millis.withLock { $0 } }

    func set(_ value: EpochMillis) { millis.withLock { $0 = value } }
}
