import ArgumentParser
import Foundation
import GatewayCore
import GatewayMQTT
import Logging
import Synchronization

/// `utility-sim record`: captures live traffic to a file that `replay` publishes again.
struct RecordCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record",
        abstract: "Record the messages of a topic filter to a capture file (JSON lines).",
        discussion: """
            Subscribes with QoS 1 and a clean session, and writes one line per message (topic, payload \
            as base64, QoS, retain, milliseconds since the first message); see README → Simulating devices → \
            Record and replay. Stops after --duration, after --count messages, or on SIGINT/SIGTERM.
            """)

    @Option(help: ArgumentHelp("The broker, mqtt://host:port.", valueName: "url")) var broker: String
    @Option(help: ArgumentHelp("The topic filter to record, such as 'sim/#'.", valueName: "filter")) var topic: String
    @Option(help: ArgumentHelp("The capture file to write (replaced if it exists).", valueName: "file")) var out: String
    @Option(help: ArgumentHelp("Stop after this long: 30s, 5m, …", valueName: "duration")) var duration: String?
    @Option(help: "Stop after this many messages.") var count: Int?
    @Option(help: "MQTT client id (default utility-sim-record-<pid>).") var clientID: String?

    /// Set by SIGINT/SIGTERM. A signal handler is a C function that cannot capture context, so the
    /// flag it sets is static; an atomic keeps it safe from any thread.
    static let stopRequested = Atomic<Bool>(false)

    func validate() throws {
        guard BrokerURL(parsing: broker) != nil else {
            throw ValidationError("--broker must be mqtt://host:port or mqtts://host:port; got '\(broker)'")
        }
        if let duration, DurationText.seconds(duration) == nil {
            throw ValidationError("--duration must be \(DurationText.expectation); got '\(duration)'")
        }
        if let count, count < 1 { throw ValidationError("--count must be 1 or more") }
    }

    func run() throws {
        let recorder = try CaptureRecorder(path: out, topic: topic)
        defer { recorder.close() }
        let settings = BrokerSettings(
            url: BrokerURL(parsing: broker)!, clientID: clientID ?? "utility-sim-record-\(getpid())", session: .clean,
            reconnect: ReconnectBackoff(initialSeconds: 0.5, maxSeconds: 5))
        let options = MQTTClientOptions(
            broker: settings, password: nil, subscriptions: [MQTTSubscription(filter: topic, qos: 1)], statusTopic: nil)
        var logger = Logger(label: "utility-sim.record")
        logger.logLevel = .warning
        let client = MQTTIngestClient(options: options, handler: recorder, logger: logger)
        let failure = Mutex<(any Error)?>(nil)
        let finished = Atomic<Bool>(false)
        let thread = Thread {
            do { try client.run() } catch { failure.withLock { $0 = error } }
            finished.store(true, ordering: .releasing)
        }
        thread.start()

        signal(SIGINT) { _ in RecordCommand.stopRequested.store(true, ordering: .relaxed) }
        signal(SIGTERM) { _ in RecordCommand.stopRequested.store(true, ordering: .relaxed) }
        let deadline = duration.flatMap(DurationText.seconds).map { ContinuousClock.now + .milliseconds(Int64($0 * 1000)) }
        while !Self.stopRequested.load(ordering: .relaxed) && !finished.load(ordering: .acquiring) {
            if let deadline, ContinuousClock.now >= deadline { break }
            if let count, recorder.count >= count { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        client.stop()
        while !finished.load(ordering: .acquiring) { Thread.sleep(forTimeInterval: 0.02) }
        if let error = failure.withLock({ $0 }) { throw error }
        print("recorded \(recorder.count) messages of '\(topic)' to \(out)")
    }
}
