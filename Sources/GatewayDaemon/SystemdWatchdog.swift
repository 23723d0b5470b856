import Foundation
import GatewayCore
import GatewayIngest
import Synchronization

/// Sends `WATCHDOG=1` and `STATUS=` from the ingest loop's heartbeat (`MQTTIngestClient`'s
/// `heartbeat`), so that what systemd watches is the loop itself: if it hangs — a commit that never
/// returns, a wedged library call — the pings stop and systemd restarts the gateway.
///
/// `WATCHDOG=1` goes out at half of `WATCHDOG_USEC` (sd_watchdog_enabled(3) recommends pinging at
/// least that often); `STATUS=` at most every 5 s and whenever the broker state changes, with the
/// connection state and the rates operators see in `systemctl status`.
final class SystemdWatchdog: Sendable {
    private let notifier: SystemdNotifier
    private let link: BrokerLinkTracker
    private let counters: IngestCounters
    private let pingEvery: Duration?
    private let statusEvery = Duration.seconds(5)
    private struct Last {
        var ping: ContinuousClock.Instant?
        var status: ContinuousClock.Instant?
        var brokerState: BrokerLinkTracker.State?
    }
    private let last = Mutex(Last())

    init(notifier: SystemdNotifier, link: BrokerLinkTracker, counters: IngestCounters) {
        self.notifier = notifier
        self.link = link
        self.counters = counters
        pingEvery = notifier.watchdogInterval.map { $0 / 2 }
    }

    /// Called on the ingest loop thread about once a second.
    func heartbeat() {
        let now = ContinuousClock.now
        let broker = link.snapshot
        let (ping, status) = last.withLock { last -> (Bool, Bool) in
            var ping = false
            if let pingEvery, last.ping.map({ now - $0 >= pingEvery }) ?? true {
                last.ping = now
                ping = true
            }
            var status = false
            if last.status.map({ now - $0 >= statusEvery }) ?? true || last.brokerState != broker.state {
                last.status = now
                last.brokerState = broker.state
                status = true
            }
            return (ping, status)
        }
        var lines: [String] = []
        if ping { lines.append("WATCHDOG=1") }
        if status { lines.append("STATUS=" + statusLine(broker)) }
        if !lines.isEmpty { notifier.send(lines.joined(separator: "\n")) }
    }

    /// "broker connected; 812.0 msg/s, 2436.0 readings/s; 1234567 stored" — one line, no secrets.
    func statusLine(_ broker: BrokerLinkTracker.Snapshot) -> String {
        let rates = counters.rates(now: SystemWallClock().now())
        var line = "broker \(broker.state.rawValue)"
        if broker.state != .connected, let reason = broker.reason { line += " (\(reason))" }
        line += "; \(Self.rate(rates.messagesPerSecond)) msg/s, \(Self.rate(rates.readingsPerSecond)) readings/s"
        line += "; \(counters.readingsStored.load(ordering: .relaxed)) stored"
        return line.replacingOccurrences(of: "\n", with: " ")
    }

    static func rate(_ value: Double) -> String {
        String((value * 10).rounded() / 10)
    }
}
