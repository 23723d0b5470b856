import Foundation
import GatewayCore
import GatewayStore

/// Checks a scenario's expected outcomes against the gateway's database, read-only (the
/// `StoreReader` the CLI uses; WAL lets it read beside the running daemon).
///
/// Order of the checks, and why:
/// 1. wait until the gateway has stored the run's last reading (so "nothing happened" is not
///    judged before the gateway has seen everything);
/// 2. poll until every alert and ticket that must appear has appeared, or the timeout passes;
/// 3. wait `settleSeconds` more (the rules stage writes at most once a second) and judge the
///    alerts that must not appear on that final picture;
/// 4. with `uplink_outage`, wait (up to the timeout again, counted from here: the drain can only
///    end once everything is stored and raised) until every reading and event is forwarded.
struct OutcomeVerifier {
    let databasePath: String
    let scenario: Scenario
    /// Simulated time 0 of the run, as an epoch time: `by:` offsets are counted from it.
    let simulatedStart: EpochMillis
    /// The newest reading timestamp the run published (unskewed, not corrupted).
    let lastTimestamp: EpochMillis?
    let timeoutSeconds: Double
    /// What the run published, for the checks that `malformed` and `duplicate_redelivery` imply.
    var published: (readings: Int, corrupted: Int)?
    /// The database's counts before the run (readings, quarantine records), so that a gateway that
    /// already holds data is judged on what this run added.
    var before: (readings: Int, quarantined: Int) = (0, 0)
    var settleSeconds: Double = 2
    /// For a scenario with `uplink_outage`: the backlog samples the runner took (see ``ForwardingCheck``).
    var forwarding: ForwardingCheck?

    func verify() -> VerificationReport {
        let deadline = ContinuousClock.now + .milliseconds(Int64(timeoutSeconds * 1000))
        var reader: StoreReader?
        var stored = false
        while ContinuousClock.now < deadline {
            if reader == nil, FileManager.default.fileExists(atPath: databasePath) { reader = try? StoreReader(path: databasePath) }
            if reader != nil && lastTimestamp == nil {
                stored = true  // nothing readable was published: nothing to wait for
                break
            }
            if let reader, let newest = try? reader.counts().newestTimestamp, newest >= (lastTimestamp ?? .min) {
                stored = true
                break
            }
            Thread.sleep(forTimeInterval: 0.1)
        }
        var notes: [String] = []
        guard let reader else {
            return VerificationReport(scenario: scenario.name, rows: [], notes: ["no gateway database at \(databasePath) within \(Int(timeoutSeconds)) s"])
        }
        if !stored { notes.append("the gateway had not stored the run's last reading within \(Int(timeoutSeconds)) s") }

        var snapshot = Snapshot()
        while true {
            snapshot = Snapshot(reader: reader)
            if positiveRows(snapshot).allSatisfy(\.passed) || ContinuousClock.now >= deadline { break }
            Thread.sleep(forTimeInterval: 0.2)
        }
        Thread.sleep(forTimeInterval: settleSeconds)
        snapshot = Snapshot(reader: reader)
        if let error = snapshot.error { notes.append("reading the gateway database failed: \(error)") }
        var forwardRows: [VerificationReport.Row] = []
        if let forwarding {
            let drainDeadline = ContinuousClock.now + .milliseconds(Int64(timeoutSeconds * 1000))
            forwardRows = forwarding.outageRows() + ForwardingCheck.drainRows(reader, deadline: drainDeadline)
        }
        return VerificationReport(
            scenario: scenario.name, rows: positiveRows(snapshot) + negativeRows(snapshot) + deliveryRows(reader) + forwardRows,
            notes: notes)
    }

    /// A scenario with `malformed` or `duplicate_redelivery` also expects the gateway to have
    /// quarantined every corrupted message and stored every reading exactly once — without these
    /// rows, those events would be noise that nothing checks. (Counted from the database's counts
    /// before the run, so another feed into the same gateway at the same time spoils it; `clock_skew` ahead of the route's max_future_skew would quarantine readings too, so
    /// the count is skipped when a skew moves timestamps forward.)
    private func deliveryRows(_ reader: StoreReader) -> [VerificationReport.Row] {
        guard let published, let counts = try? reader.counts() else { return [] }
        var rows: [VerificationReport.Row] = []
        let kinds = scenario.events.map(\.kind)
        if kinds.contains(where: { if case .malformed = $0 { true } else { false } }) {
            rows.append(.init(
                passed: counts.quarantined - before.quarantined >= published.corrupted,
                expectation: "every corrupted message quarantined (\(published.corrupted))",
                found: "\(counts.quarantined - before.quarantined) quarantine records"))
        }
        let skewsAhead = kinds.contains { if case .clockSkew(let millis) = $0 { millis > 0 } else { false } }
        if kinds.contains(where: { if case .duplicate = $0 { true } else { false } }), !skewsAhead {
            rows.append(.init(
                passed: counts.readings - before.readings == published.readings,
                expectation: "every reading stored once, redeliveries included (\(published.readings))",
                found: "\(counts.readings - before.readings) readings"))
        }
        return rows
    }

    /// The gateway's alerts (with the severities each reached) and tickets at one moment.
    struct Snapshot {
        var alerts: [(row: AlertRow, severities: Set<String>)] = []
        var tickets: [TicketRow] = []
        var error: String?

        init() {}

        init(reader: StoreReader) {
            do {
                alerts = try reader.alerts(AlertFilter(limit: 100_000)).map { row in
                    var severities: Set<String> = [row.severity]
                    for entry in (try? reader.alertHistory(id: row.id)) ?? [] {
                        let body = try? JSONSerialization.jsonObject(with: Data(entry.body.utf8)) as? [String: Any]
                        if let severity = body?["severity"] as? String { severities.insert(severity) }
                    }
                    return (row, severities)
                }
                tickets = try reader.tickets(TicketFilter(limit: 100_000))
            } catch {
                self.error = "\(error)"
            }
        }
    }

    private func positiveRows(_ snapshot: Snapshot) -> [VerificationReport.Row] {
        var rows: [VerificationReport.Row] = []
        for expected in scenario.expectations.alerts {
            let candidates = snapshot.alerts.filter { expected.rule.matches($0.row.ruleID) && expected.device.matches($0.row.device) }
            let reaching = candidates.filter { expected.severity.map($0.severities.contains) ?? true }
            let inTime = reaching.filter { alert in expected.byMillis.map { alert.row.since <= simulatedStart + $0 } ?? true }
            var text = "alert \(expected.rule) on \(expected.device)"
            if let severity = expected.severity { text += " reaching \(severity)" }
            if let by = expected.byMillis { text += " by +\(Self.offset(by))" }
            let found: String
            if let alert = inTime.last ?? reaching.last ?? candidates.last {
                found = "\(alert.row.id) \(alert.row.ruleID) \(alert.row.device) \(alert.severities.sorted().joined(separator: "/")) since +\(Self.offset(alert.row.since - simulatedStart))"
            } else {
                found = "none"
            }
            rows.append(.init(passed: !inTime.isEmpty, expectation: text, found: found))
        }
        for expected in scenario.expectations.tickets {
            let matching = snapshot.tickets.filter { expected.rule.matches($0.ruleID) && expected.device.matches($0.device) }
            rows.append(.init(
                passed: !matching.isEmpty, expectation: "ticket for \(expected.rule) on \(expected.device)",
                found: matching.last.map { "\($0.id) \($0.ruleID) \($0.device) \($0.state)" } ?? "none"))
        }
        return rows
    }

    /// Alerts that must not appear are judged on alerts that began within the simulated time: the
    /// end of a simulation is not an event, so `no_data` alerts as every device falls silent
    /// afterwards are not held against the scenario.
    private func negativeRows(_ snapshot: Snapshot) -> [VerificationReport.Row] {
        var rows: [VerificationReport.Row] = []
        let end = simulatedStart + scenario.durationMillis
        let during = snapshot.alerts.filter { $0.row.since <= end }
        for absent in scenario.expectations.absent {
            let matching = during.filter { alert in
                absent.rule.matches(alert.row.ruleID) && absent.device.matches(alert.row.device)
                    && (absent.severity.map(alert.severities.contains) ?? true)
            }
            rows.append(.init(
                passed: matching.isEmpty,
                expectation: "no alert \(absent.rule) on \(absent.device)" + (absent.severity.map { " reaching \($0)" } ?? ""),
                found: matching.isEmpty ? "none" : Self.list(matching.map(\.row))))
        }
        if scenario.expectations.noOtherAlerts {
            let others = during.filter { alert in
                !scenario.expectations.alerts.contains { $0.rule.matches(alert.row.ruleID) && $0.device.matches(alert.row.device) }
            }
            rows.append(.init(passed: others.isEmpty, expectation: "no other alerts", found: others.isEmpty ? "none" : Self.list(others.map(\.row))))
        }
        return rows
    }

    private static func list(_ alerts: [AlertRow]) -> String {
        let shown = alerts.prefix(5).map { "\($0.id) \($0.ruleID) \($0.device) \($0.severity)" }
        return shown.joined(separator: "; ") + (alerts.count > 5 ? "; … \(alerts.count - 5) more" : "")
    }

    /// A simulated offset as `1h02m03s` (negative offsets with a sign).
    static func offset(_ millis: Int64) -> String {
        let sign = millis < 0 ? "-" : ""
        let seconds = abs(millis) / 1000
        let (h, m, s) = (seconds / 3600, seconds / 60 % 60, seconds % 60)
        if h > 0 { return sign + String(format: "%dh%02dm%02ds", h, m, s) }
        if m > 0 { return sign + String(format: "%dm%02ds", m, s) }
        return sign + "\(s)s"
    }
}
