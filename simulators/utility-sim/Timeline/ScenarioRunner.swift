import Foundation
import GatewayCore
import GatewayMQTT

/// Publishes a scenario's plan against a broker, accelerated and backdated.
///
/// Time: a run of simulated duration D at speed S takes D / S of wall time, and simulated time
/// *ends at now*: simulated time 0 is placed at `wall start + D/S − D`, so each payload timestamp
/// (`simulated start + offset`) is at or before the wall clock when it is published (for S ≥ 1), and
/// the gateway never sees a future timestamp unless a `clock_skew` event says so.
struct ScenarioRunner {
    let scenario: Scenario
    let plan: ScenarioPlan
    let speed: Double
    let brokerRestartCommand: String?
    /// `--uplink-stop-cmd` / `--uplink-start-cmd`, for `uplink_outage`.
    var uplinkStopCommand: String?
    var uplinkStartCommand: String?
    /// Called just before `--uplink-start-cmd` runs, while the link is still down (the verifier's
    /// look at the backlog the outage built up).
    var beforeUplinkStart: (Int64) -> Void = { _ in }

    /// What a run did, for the summary and the verifier.
    struct Outcome {
        var simulatedStart: EpochMillis
        var published = 0
        var corrupted = 0
        var redelivered = 0
        var restarts = 0
        var uplinkOutages = 0
        /// Readings in the messages that were not corrupted, each message counted once (its
        /// redelivered copy must not add any).
        var readings = 0
        /// The newest unskewed, uncorrupted reading timestamp published.
        var lastTimestamp: EpochMillis?
        var acknowledged = true
        var wallSeconds = 0.0
    }

    func run(publisher: MQTTPublisher) throws -> Outcome {
        let wallStart = SystemWallClock().now()
        let started = ContinuousClock.now
        let simulatedStart = wallStart + EpochMillis((Double(scenario.durationMillis) / speed).rounded(.down)) - scenario.durationMillis
        var outcome = Outcome(simulatedStart: simulatedStart)
        var uplinkDown = false
        // A run that fails while the uplink is down brings it back before it ends (best effort).
        defer { if uplinkDown, let command = uplinkStartCommand { try? Self.shell(command, option: "--uplink-start-cmd") } }
        for step in plan.steps {
            let due = started + .milliseconds(Int64((Double(step.offsetMillis) / speed).rounded(.down)))
            let wait = due - ContinuousClock.now
            if wait > .zero { Thread.sleep(forTimeInterval: Double(wait.components.seconds) + Double(wait.components.attoseconds) / 1e18) }
            switch step.action {
            case .restartBroker:
                try Self.shell(brokerRestartCommand, option: "--broker-restart-cmd")
                outcome.restarts += 1
            case .stopUplink:
                try Self.shell(uplinkStopCommand, option: "--uplink-stop-cmd")
                uplinkDown = true
            case .startUplink:
                beforeUplinkStart(step.offsetMillis)
                try Self.shell(uplinkStartCommand, option: "--uplink-start-cmd")
                uplinkDown = false
                outcome.uplinkOutages += 1
            case .publish(let index, let values, let skew, let corrupt, let copies):
                let device = scenario.devices[index]
                let timestamp = simulatedStart + step.offsetMillis + skew
                var payload = PayloadEncoder.payload(for: device, values: values, timestamp: timestamp)
                if corrupt {
                    payload = PayloadEncoder.corrupted(payload)
                    outcome.corrupted += 1
                } else {
                    outcome.readings += values.count
                    if skew == 0 { outcome.lastTimestamp = max(outcome.lastTimestamp ?? .min, timestamp) }
                }
                for _ in 0..<copies { try publisher.publish(topic: device.topic, payload: payload, qos: device.qos) }
                outcome.published += 1
                outcome.redelivered += copies - 1
            }
        }
        outcome.acknowledged = publisher.waitForAcknowledgements(timeoutSeconds: 60)
        outcome.wallSeconds = Double((ContinuousClock.now - started).milliseconds) / 1000
        return outcome
    }

    /// `--dry-run`: one line per step, `+OFFSET TOPIC PAYLOAD` (timestamps count from epoch 0), so
    /// that a plan can be read, diffed between seeds, and checked for determinism without a broker.
    static func printPlan(_ plan: ScenarioPlan, scenario: Scenario) {
        for step in plan.steps {
            switch step.action {
            case .restartBroker:
                print("+\(OutcomeVerifier.offset(step.offsetMillis)) broker_restart")
            case .stopUplink:
                print("+\(OutcomeVerifier.offset(step.offsetMillis)) uplink_outage begins (--uplink-stop-cmd)")
            case .startUplink:
                print("+\(OutcomeVerifier.offset(step.offsetMillis)) uplink_outage ends (--uplink-start-cmd)")
            case .publish(let index, let values, let skew, let corrupt, let copies):
                let device = scenario.devices[index]
                let payload = PayloadEncoder.payload(for: device, values: values, timestamp: step.offsetMillis + skew)
                let text = corrupt ? "(corrupted) " + Data(PayloadEncoder.corrupted(payload)).base64EncodedString()
                    : String(decoding: payload, as: UTF8.self).replacingOccurrences(of: "\n", with: "\\n")
                print("+\(OutcomeVerifier.offset(step.offsetMillis)) \(device.topic) \(text)" + (copies > 1 ? " (×\(copies))" : ""))
            }
        }
    }

    /// Runs a runner-supplied command (`--broker-restart-cmd`, `--uplink-stop-cmd`, …) with
    /// /bin/sh and waits for it; a failure ends the run (a restart or an outage that did not happen
    /// would make the scenario's verdict meaningless).
    static func shell(_ command: String?, option: String) throws {
        guard let command else { throw RunError("the scenario needs \(option)") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw RunError("\(option) exited with status \(process.terminationStatus): \(command)")
        }
    }
}

/// A run that cannot go on, with the reason in a sentence.
struct RunError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
