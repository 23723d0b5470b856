import ArgumentParser
import Foundation
import GatewayConfig
import GatewayCore
import GatewayMQTT
import GatewayStore

/// `utility-sim run SCENARIO`: publishes a scenario's devices and events, and with `--verify`
/// checks the gateway's alerts and tickets against the scenario's expectations.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a scenario file against a broker, optionally verifying the gateway's reaction.",
        discussion: """
            Simulated time ends at now: the run is backdated so that no payload timestamp is ahead of \
            the wall clock. --speed 1440 runs a day in a minute. The same --seed gives the same values. \
            With --verify, after the run the gateway database named by --config is read (read-only) and \
            every expectation is printed as PASS or FAIL; the exit code is 1 on any miss, 2 when the \
            scenario or the configuration is invalid.
            """)

    @Argument(help: ArgumentHelp("The scenario file (simulators/scenarios/*.yaml).", valueName: "scenario"))
    var scenarioPath: String
    @Option(help: ArgumentHelp("The broker, mqtt://host:port (not needed with --dry-run).", valueName: "url")) var broker: String?
    @Option(help: "Speed-up over real time (1 or more); default: the scenario's `speed`.") var speed: Double?
    @Option(help: "Seed of the value generator; default: the scenario's `seed`.") var seed: UInt64?
    @Flag(help: "After the run, check the expected outcomes against the gateway (needs --config).") var verify = false
    @Option(help: ArgumentHelp("The gateway's configuration file: its database for --verify; its routes are checked against the scenario's devices.", valueName: "gateway.yaml"))
    var config: String?
    @Option(help: ArgumentHelp("How long --verify waits for the expected outcomes, in seconds.", valueName: "seconds"))
    var verifyTimeout: Double = 60
    @Option(help: ArgumentHelp("A shell command that restarts the broker; required by scenarios with broker_restart.", valueName: "cmd"))
    var brokerRestartCmd: String?
    @Option(help: ArgumentHelp("A shell command that cuts the gateway's uplink (stops the central broker); required by scenarios with uplink_outage.", valueName: "cmd"))
    var uplinkStopCmd: String?
    @Option(help: ArgumentHelp("A shell command that restores the uplink (starts the central broker again on the same address); required by scenarios with uplink_outage.", valueName: "cmd"))
    var uplinkStartCmd: String?
    @Option(help: "MQTT client id (default utility-sim-<pid>).") var clientID: String?
    @Option(help: "Messages awaiting PUBACK at most.") var maxInFlight: Int = 50
    @Flag(help: "Print what the run would publish (simulated time 0 at epoch 0) and exit without connecting.")
    var dryRun = false

    func validate() throws {
        if !dryRun {
            guard let broker else { throw ValidationError("give --broker mqtt://host:port (or --dry-run)") }
            guard BrokerURL(parsing: broker) != nil else {
                throw ValidationError("--broker must be mqtt://host:port or mqtts://host:port; got '\(broker)'")
            }
        }
        if let speed, !(speed >= 1 && speed.isFinite) { throw ValidationError("--speed must be 1 or more; got \(speed)") }
        if verify && config == nil { throw ValidationError("--verify needs --config GATEWAY.yaml (to find the gateway's database)") }
        guard verifyTimeout > 0 else { throw ValidationError("--verify-timeout must be above 0") }
        guard (1...65_535).contains(maxInFlight) else { throw ValidationError("--max-in-flight must be 1…65535") }
    }

    func run() throws {
        let scenario: Scenario
        do {
            scenario = try ScenarioLoader.load(path: scenarioPath)
        } catch {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            throw ExitCode(2)
        }
        let speed = self.speed ?? scenario.speed
        let seed = self.seed ?? scenario.seed
        let plan = ScenarioPlan(scenario: scenario, seed: seed)
        if dryRun {
            ScenarioRunner.printPlan(plan, scenario: scenario)
            return
        }
        if scenario.needsBrokerControl && brokerRestartCmd == nil {
            let times = scenario.events.filter { if case .brokerRestart = $0.kind { true } else { false } }
                .map { "+" + OutcomeVerifier.offset($0.atMillis) }.joined(separator: ", ")
            FileHandle.standardError.write(Data("""
                \(scenarioPath): scenario '\(scenario.name)' restarts the broker (broker_restart at \(times)); \
                give the command that does it with --broker-restart-cmd CMD. Refusing to run without it: \
                the scenario would not test what it says.\n
                """.utf8))
            throw ExitCode(2)
        }
        if let outage = scenario.uplinkOutages.first, uplinkStopCmd == nil || uplinkStartCmd == nil {
            let missing = [uplinkStopCmd == nil ? "--uplink-stop-cmd CMD" : nil, uplinkStartCmd == nil ? "--uplink-start-cmd CMD" : nil]
                .compactMap { $0 }.joined(separator: " and ")
            FileHandle.standardError.write(Data("""
                \(scenarioPath): scenario '\(scenario.name)' cuts the gateway's uplink (uplink_outage at +\(OutcomeVerifier.offset(outage.atMillis))); \
                give the commands that stop and start the central broker with \(missing). Refusing to run without them: \
                the scenario would not test what it says.\n
                """.utf8))
            throw ExitCode(2)
        }
        var databasePath: String?
        if let config {
            do {
                let configuration = try ConfigurationLoader.load(path: config).configuration
                databasePath = configuration.gateway.databasePath
                if !scenario.uplinkOutages.isEmpty && configuration.uplink == nil {
                    FileHandle.standardError.write(Data("""
                        \(scenarioPath): scenario '\(scenario.name)' has an uplink_outage, but the gateway configuration \(config) \
                        has no uplink: section; nothing would be forwarded, so no backlog could drain\n
                        """.utf8))
                    throw ExitCode(2)
                }
                for warning in RouteCheck.speedWarnings(scenario, devices: configuration.rules.devices, speed: speed) {
                    FileHandle.standardError.write(Data("warning: \(scenarioPath): \(warning)\n".utf8))
                }
                let problems = RouteCheck.problems(scenario, routes: configuration.routes)
                if !problems.isEmpty {
                    let lines = problems.map { "\(scenarioPath): \($0)" }.joined(separator: "\n")
                    FileHandle.standardError.write(Data("the scenario does not fit the gateway configuration \(config):\n\(lines)\n".utf8))
                    throw ExitCode(2)
                }
            } catch let error as ExitCode {
                throw error
            } catch {
                FileHandle.standardError.write(Data("\(error)\n".utf8))
                throw ExitCode(2)
            }
        }

        var options = MQTTPublisherOptions(url: BrokerURL(parsing: broker ?? "")!, clientID: clientID ?? "utility-sim-\(getpid())")
        options.maxInFlight = maxInFlight
        options.inFlightWaitTimeoutSeconds = 120
        let publisher = try MQTTPublisher(options: options)
        // What the gateway already holds, so that --verify judges what this run adds.
        let before = databasePath.flatMap { path in
            FileManager.default.fileExists(atPath: path) ? try? StoreReader(path: path).counts() : nil
        }
        var runner = ScenarioRunner(scenario: scenario, plan: plan, speed: speed, brokerRestartCommand: brokerRestartCmd)
        runner.uplinkStopCommand = uplinkStopCmd
        runner.uplinkStartCommand = uplinkStartCmd
        // Just before each uplink_outage ends: what waits to be forwarded (the proof that it was one).
        let samples = OutageSamples()
        let outages = scenario.uplinkOutages
        let probePath = databasePath
        runner.beforeUplinkStart = { offset in
            guard let databasePath = probePath else { return }
            let from = outages.map(\.atMillis).filter { $0 < offset }.max() ?? 0
            samples.list.append(.init(from: from, until: offset, progress: try? StoreReader(path: databasePath).forwardProgress()))
        }
        let outcome = try runner.run(publisher: publisher)
        publisher.disconnect()

        let end = outcome.simulatedStart + scenario.durationMillis
        print("""
            scenario \(scenario.name): \(outcome.published) messages from \(scenario.devices.count) device\(scenario.devices.count == 1 ? "" : "s") \
            (\(outcome.corrupted) corrupted, \(outcome.redelivered) redelivered, \(outcome.restarts) broker restarts\
            \(outcome.uplinkOutages > 0 ? ", \(outcome.uplinkOutages) uplink outages" : "")), \
            simulated \(RFC3339.format(outcome.simulatedStart)) … \(RFC3339.format(end)) \
            in \(String(format: "%.1f", outcome.wallSeconds)) s at speed \(speed), seed \(seed)
            """)
        if !outcome.acknowledged { FileHandle.standardError.write(Data("warning: not every message was acknowledged by the broker within 60 s\n".utf8)) }
        guard verify, let databasePath else { return }
        if scenario.expectations.isEmpty { print("verify \(scenario.name): the scenario expects nothing") }
        var verifier = OutcomeVerifier(
            databasePath: databasePath, scenario: scenario, simulatedStart: outcome.simulatedStart,
            lastTimestamp: outcome.lastTimestamp, timeoutSeconds: verifyTimeout,
            published: (outcome.readings, outcome.corrupted), before: (before?.readings ?? 0, before?.quarantined ?? 0))
        if !outages.isEmpty { verifier.forwarding = ForwardingCheck(samples: samples.list) }
        let report = verifier.verify()
        print(report.text)
        if !report.passed { throw ExitCode(1) }
    }
}

/// The runner's backlog samples, filled from its callback during the run.
private final class OutageSamples {
    var list: [ForwardingCheck.Sample] = []
}
