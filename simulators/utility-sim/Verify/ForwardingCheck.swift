import Foundation
import GatewayStore

/// What `--verify` adds for a scenario with `uplink_outage`: that each outage really held
/// records back, and that after the run the backlog drained — every stored reading and every alert
/// and ticket event acknowledged by the central broker.
///
/// "Forwarded" is the gateway's own definition: the `forward_cursor` of a stream (schema v3, saved
/// only for what the central broker acknowledged) at or past that stream's last seq in the store.
/// Read through `StoreReader`, read-only, like every other check. The verifier does not subscribe to
/// the central broker itself: the cursor already means "acknowledged there", and a subscriber would
/// have to be connected through the outage to count anything.
struct ForwardingCheck {
    /// One look at the store just before `--uplink-start-cmd` ran.
    struct Sample {
        /// Simulated offsets of the outage.
        var from: Int64
        var until: Int64
        /// `nil` when the database could not be read at that moment.
        var progress: ForwardProgress?
    }

    var samples: [Sample] = []

    /// One row per outage: something waited to be forwarded when the link came back. Without a
    /// backlog the stop command did not cut the link, and the drain would prove nothing.
    func outageRows() -> [VerificationReport.Row] {
        samples.map { sample in
            let expectation = "a backlog while the uplink was down (+\(OutcomeVerifier.offset(sample.from)) … +\(OutcomeVerifier.offset(sample.until)))"
            guard let progress = sample.progress else {
                return .init(passed: false, expectation: expectation, found: "the gateway database could not be read")
            }
            let readings = progress.heads.readings - progress.cursors.readings
            let events = Self.waitingEvents(progress)
            return .init(
                passed: readings > 0, expectation: expectation,
                found: "\(readings) readings and \(events) alert/ticket events waiting when the link returned")
        }
    }

    /// The drain rows, polled until both pass or `deadline` passes (checked at least once).
    static func drainRows(_ reader: StoreReader, deadline: ContinuousClock.Instant) -> [VerificationReport.Row] {
        while true {
            let progress: ForwardProgress
            do {
                progress = try reader.forwardProgress()
            } catch {
                return [.init(passed: false, expectation: "the uplink backlog drained", found: "reading forward_cursor failed: \(error)")]
            }
            let c = progress.cursors
            let h = progress.heads
            let rows: [VerificationReport.Row] = [
                .init(
                    passed: c.readings >= h.readings, expectation: "every stored reading forwarded (backlog drained)",
                    found: "forward_cursor readings \(c.readings) of last seq \(h.readings)"),
                .init(
                    passed: c.alertHistory >= h.alertHistory && c.ticketHistory >= h.ticketHistory,
                    expectation: "every alert and ticket event forwarded",
                    found: "alert_history \(c.alertHistory) of \(h.alertHistory), ticket_history \(c.ticketHistory) of \(h.ticketHistory)"),
            ]
            if rows.allSatisfy(\.passed) || ContinuousClock.now >= deadline { return rows }
            Thread.sleep(forTimeInterval: 0.2)
        }
    }

    static func waitingEvents(_ progress: ForwardProgress) -> Int64 {
        max(0, progress.heads.alertHistory - progress.cursors.alertHistory)
            + max(0, progress.heads.ticketHistory - progress.cursors.ticketHistory)
    }
}
