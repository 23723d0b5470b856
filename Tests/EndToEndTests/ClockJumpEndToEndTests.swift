import Foundation
import GatewayCore
import GatewayTestSupport
import Testing

/// Wall-clock jumps (+10 years, −1 hour, +1 hour) for the daemon alone, with libfaketime
/// (`LD_PRELOAD`, offset read from a file the test rewrites; `FAKETIME_DONT_FAKE_MONOTONIC=1`, so
/// only the wall clock moves, as in a real step). The machine's clock is never touched.
///
/// What must hold: retention (1 h here, by time of receipt) deletes nothing the clock step made
/// look old — a +1 h step with a 1 h retention would otherwise delete every reading at once —,
/// reconnect backoff and batching (monotonic) go on, and ingest continues at each step.
@Suite(.serialized) struct ClockJumpEndToEndTests {
    static let library = "/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1"

    @Test(.enabled(if: FileManager.default.fileExists(atPath: library), "libfaketime is missing: scripts/test installs the faketime package"))
    func clockStepsNeitherMassDeleteNorStopIngest() throws {
        let harness = try GatewayHarness(extra: "buffer: { retention: 1h }")
        let offsetFile = harness.directory.file("faketime-offset")
        func step(_ offset: String) throws { try (offset + "\n").write(to: offsetFile, atomically: true, encoding: .utf8) }
        try step("+0")
        try harness.startDaemon(environment: [
            "LD_PRELOAD": Self.library, "FAKETIME_TIMESTAMP_FILE": offsetFile.path, "FAKETIME_CACHE_DURATION": "1",
            "FAKETIME_DONT_FAKE_MONOTONIC": "1",
        ])
        /// Waits for `passes` buffer passes after now (`last_pass` changes), returns the last one's time.
        func passes(_ passes: Int) -> String? {
            var last = harness.bufferStatus()?["last_pass"] as? String
            var seen = 0
            _ = eventually(timeoutSeconds: 60, pollMilliseconds: 200) {
                let now = harness.bufferStatus()?["last_pass"] as? String
                if now != nil && now != last { seen += 1; last = now }
                return seen >= passes
            }
            return seen >= passes ? last : nil
        }
        func publish(_ range: Range<Int>) throws {
            let feed = try SequenceFeed(brokerURL: harness.broker.url)
            for i in range { try feed.publish(i) }
            #expect(feed.finish())
        }
        try publish(0..<500)
        #expect(eventually(timeoutSeconds: 60) { harness.storedCount() >= 500 }, "\(harness.logs())")
        let thisYear = Calendar(identifier: .gregorian).component(.year, from: Date())

        try step("+10y")
        let jumped = passes(2)
        #expect(jumped?.hasPrefix("\(thisYear + 10)") == true, "the daemon saw the step: last pass \(jumped ?? "none")")
        var buffer = harness.bufferStatus() ?? [:]
        #expect(buffer["retention_deleted"] as? Int == 0 && harness.storedCount() == 500, "nothing mass-deleted: \(buffer)")
        #expect((buffer["retention_held_back_seconds"] as? Int ?? 0) > 86_400 * 365, "\(buffer)")
        #expect(harness.logs().contains("buffer.retention_held_back"))

        try step("-1h")
        _ = passes(1)
        try publish(500..<1_000)
        #expect(eventually(timeoutSeconds: 60) { harness.storedCount() >= 1_000 }, "ingest goes on an hour back\n\(harness.logs().suffix(3000))")
        // The local broker restarts under the stepped clock: backoff and keepalive are monotonic.
        harness.broker.stop()
        try harness.broker.start()
        try publish(1_000..<1_200)
        #expect(eventually(timeoutSeconds: 60) { harness.storedCount() >= 1_200 }, "reconnected after the broker restart")

        try step("+1h")
        _ = passes(2)
        try publish(1_200..<1_400)
        #expect(eventually(timeoutSeconds: 60) { harness.storedCount() >= 1_400 })
        _ = passes(1)
        buffer = harness.bufferStatus() ?? [:]
        #expect(buffer["retention_deleted"] as? Int == 0, "a +1 h step with 1 h retention deleted readings: \(buffer)")
        #expect(harness.storedCount() == 1_400)
        #expect(harness.stopDaemon() == 0, "\(harness.logs().suffix(3000))")
    }
}
