import Foundation
import GatewayStore
import GatewayTestSupport
import Testing

/// The shipped `uplink-outage` scenario end to end: the real daemon forwards to a second mosquitto
/// (the "central" broker), which the runner's `--uplink-stop-cmd` / `--uplink-start-cmd` really
/// stop and start on the same port — a process gone, not a paused one (`kill -STOP` leaves the TCP
/// connection open and the kernel still accepting). `utility-sim run --verify` must pass (alerts on
/// time, a backlog during the outage, everything forwarded afterwards), and a subscriber on the
/// central broker must see the drain as the README promises: every reading, and the events that
/// waited, before the readings that waited.
@Suite struct UplinkOutageScenarioTests {
    /// The central side of one outage, done by the test that owns the central broker process: the
    /// commands only ask for it (a file each) and wait until it is done.
    final class CentralControl: Sendable {
        struct AtRestore: Sendable {
            /// How many messages central had received before the link came back.
            var received: Int
            var progress: ForwardProgress
        }

        /// The store's last reading seq once the central broker was down: readings after it were
        /// stored during the outage, so they cannot have reached central before the link came back.
        let lastSeqAtStop = LockedBox<Int64?>(nil)
        let stops = LockedBox(0)
        let starts = LockedBox(0)
        let atRestore = LockedBox<AtRestore?>(nil)
        let failures = LockedBox<[String]>([])
        private let finished = LockedBox(false)

        /// `touch REQUEST; wait for DONE; rm DONE`: a command that returns once the test has acted.
        static func command(_ directory: TemporaryDirectory, _ name: String) -> String {
            let request = directory.file("\(name)-requested").path
            let done = directory.file("\(name)-done").path
            return "touch \(request); while [ ! -e \(done) ]; do sleep 0.05; done; rm -f \(done)"
        }

        func watch(_ directory: TemporaryDirectory, central: MosquittoBroker, subscriber: CentralSubscriber, databasePath: String) {
            let thread = Thread { [self] in
                while !finished.withLock({ $0 }) {
                    if take(directory, "uplink-stop") {
                        central.stop()
                        let heads = try? StoreReader(path: databasePath).forwardProgress().heads
                        lastSeqAtStop.withLock { $0 = heads?.readings }
                        stops.withLock { $0 += 1 }
                        _ = FileManager.default.createFile(atPath: directory.file("uplink-stop-done").path, contents: nil)
                    }
                    if take(directory, "uplink-start") {
                        do {
                            let progress = try StoreReader(path: databasePath).forwardProgress()
                            atRestore.withLock { $0 = AtRestore(received: subscriber.messages.count, progress: progress) }
                            try central.start()
                        } catch {
                            failures.withLock { $0.append("\(error)") }
                        }
                        starts.withLock { $0 += 1 }
                        _ = FileManager.default.createFile(atPath: directory.file("uplink-start-done").path, contents: nil)
                    }
                    Thread.sleep(forTimeInterval: 0.02)
                }
            }
            thread.start()
        }

        func finish() { finished.withLock { $0 = true } }

        private func take(_ directory: TemporaryDirectory, _ name: String) -> Bool {
            let request = directory.file("\(name)-requested")
            guard FileManager.default.fileExists(atPath: request.path) else { return false }
            try? FileManager.default.removeItem(at: request)
            return true
        }
    }

    @Test func theUplinkOutageScenarioDrainsTheBacklogEventsFirst() throws {
        let central = try MosquittoBroker()
        let subscriber = try CentralSubscriber(broker: central, prefix: "central/e2e")
        defer { subscriber.stop() }
        let harness = try ScenarioSupport.harness(extra: GatewayHarness.uplinkSection(central: central))
        try harness.startDaemon()
        defer { _ = harness.stopDaemon() }
        let control = CentralControl()
        control.watch(harness.directory, central: central, subscriber: subscriber, databasePath: harness.databasePath)
        defer { control.finish() }

        let result = try ScenarioSupport.runSim(
            ["run", ScenarioSupport.scenario("uplink-outage.yaml"), "--broker", harness.broker.url, "--verify",
             "--config", harness.configPath, "--verify-timeout", "90",
             "--uplink-stop-cmd", CentralControl.command(harness.directory, "uplink-stop"),
             "--uplink-start-cmd", CentralControl.command(harness.directory, "uplink-start")],
            in: harness.directory)
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)\n--- daemon:\n\(harness.logs().suffix(4000))")
        #expect(result.stdout.contains("1 uplink outages"), "\(result.stdout)")
        for row in ["PASS    a backlog while the uplink was down (+3m00s … +13m00s)", "PASS    every stored reading forwarded",
                    "PASS    every alert and ticket event forwarded"] {
            #expect(result.stdout.contains(row), "missing: \(row)\n\(result.stdout)")
        }
        #expect(control.stops.withLock { $0 } == 1 && control.starts.withLock { $0 } == 1)
        #expect(control.failures.withLock { $0 }.isEmpty, "\(control.failures.withLock { $0 })")
        let restore = try #require(control.atRestore.withLock { $0 })
        // The burst's alert and ticket were raised while the link was down: they waited.
        let waiting = restore.progress
        #expect(waiting.heads.alertHistory > waiting.cursors.alertHistory, "no alert event waited: \(waiting)")
        #expect(waiting.heads.ticketHistory > waiting.cursors.ticketHistory, "no ticket event waited: \(waiting)")
        #expect(waiting.heads.readings > waiting.cursors.readings, "no reading waited: \(waiting)")

        // Central received every stored reading (by seq) and every history entry.
        let stored = Set(try harness.reader().readings(ReadingFilter(limit: 1_000_000)).compactMap(\.seq))
        #expect(!stored.isEmpty)
        var missing: [Int64] = []
        #expect(eventually(timeoutSeconds: 60) {
            missing = Array(stored.subtracting(subscriber.readings.map(\.seq)).sorted().prefix(20))
            return missing.isEmpty
        }, "readings missing at central: \(missing)\n\(harness.logs().suffix(3000))")
        let last = try harness.reader().forwardProgress().heads
        let messages = subscriber.messages
        var events: Set<String> = []
        for case .event(let stream, let seq, _) in messages { events.insert("\(stream)#\(seq)") }
        let all = Self.keys(after: ForwardCursors(), upTo: last)
        #expect(all.allSatisfy(events.contains), "not at central: \(all.filter { !events.contains($0) })")

        // Events first: every event that waited when the link came back arrived before the first
        // reading stored during the outage. (Not simply before the first readings message after the
        // restart: the central broker redelivers to its subscriber what was in flight when it
        // stopped, which may be readings from before the outage.)
        let lastAtStop = try #require(control.lastSeqAtStop.withLock { $0 })
        let firstReadings = try #require(messages.firstIndex { message in
            if case .readings(let readings) = message { readings.contains { $0.seq > lastAtStop } } else { false }
        })
        var before: Set<String> = []
        for case .event(let stream, let seq, _) in messages[..<firstReadings] { before.insert("\(stream)#\(seq)") }
        let waited = Self.keys(after: waiting.cursors, upTo: waiting.heads)
        #expect(!waited.isEmpty)
        let kinds = messages.dropFirst(restore.received).prefix(12).map { message in
            switch message {
            case .readings(let readings): "readings(\(readings.map(\.seq).min() ?? 0)…\(readings.map(\.seq).max() ?? 0))"
            case .event(let stream, let seq, _): "\(stream)#\(seq)"
            case .status(let state): "status \(state)"
            case .other(let topic): topic
            }
        }
        #expect(waited.allSatisfy(before.contains),
                "waiting events \(waited), before the first reading after seq \(lastAtStop): \(before.sorted()); after the restart: \(kinds)")
    }

    /// A link that never comes back (here: a start command that starts nothing, with the central
    /// broker down all along) fails the drain rows with what the cursors reached, exit code 1.
    @Test func aBacklogThatNeverDrainsFailsWithAReadableReport() throws {
        let central = try MosquittoBroker()
        central.stop()
        let harness = try ScenarioSupport.harness(extra: GatewayHarness.uplinkSection(central: central))
        try harness.startDaemon()
        defer { _ = harness.stopDaemon() }
        let scenario = harness.directory.file("no-drain.yaml")
        try """
            scenario: no-drain
            duration: 3m
            speed: 60
            interval: 15s
            devices:
              - { id: wm-301, utility: water, site: west, format: json, metrics: { pressure: { baseline: 420kPa, noise: 1 }, flow: 30 } }
            events:
              - uplink_outage: { at: 1m, for: 1m }
            """.write(to: scenario, atomically: true, encoding: .utf8)
        let result = try ScenarioSupport.runSim(
            ["run", scenario.path, "--broker", harness.broker.url, "--verify", "--config", harness.configPath, "--verify-timeout", "5",
             "--uplink-stop-cmd", "true", "--uplink-start-cmd", "true"],
            in: harness.directory)
        #expect(result.status == 1, "\(result.stdout)\n\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("  PASS") && $0.contains("a backlog while the uplink was down (+1m00s … +2m00s)") }, "\(result.stdout)")
        #expect(lines.contains { $0.hasPrefix("  FAIL") && $0.contains("every stored reading forwarded") && $0.contains("forward_cursor readings 0 of last seq") },
                "\(result.stdout)")
        #expect(lines.last == "FAILED: 1 of 3 expectations missed" || lines.last == "FAILED: 2 of 3 expectations missed", "\(result.stdout)")
    }

    /// `stream#seq` of the alert and ticket history entries after `cursors` up to `heads`.
    static func keys(after cursors: ForwardCursors, upTo heads: ForwardCursors) -> [String] {
        [ForwardStream.alertHistory, .ticketHistory].flatMap { stream in
            cursors[stream] < heads[stream] ? ((cursors[stream] + 1)...heads[stream]).map { "\(stream.rawValue)#\($0)" } : []
        }
    }
}
