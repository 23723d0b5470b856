import Foundation
import GatewayTestSupport
import Testing

/// Scenario files through `utility-sim run` without a broker: problems located by file, line and
/// key path; a scenario that needs broker control refused without it; plans deterministic per seed.
@Suite struct ScenarioFileTests {
    @Test func problemsNameTheFileLineAndKeyPath() throws {
        let directory = try TemporaryDirectory(prefix: "scenario-files")
        let file = directory.file("broken.yaml")
        try """
            scenario: broken
            duration: 10m
            devices:
              - id: wm-1
                utility: water
                site: north
                format: protobuf
                metrics:
                  pressure: { baseline: 420 volts }
            events:
              - burts: { at: 1m }
              - dropout: { at: 20m, device: wm-9 }
            expect:
              alerts:
                - { rule: water.pressure.low, severity: major }
            """.write(to: file, atomically: true, encoding: .utf8)
        let result = try ScenarioSupport.runSim(["run", file.path, "--dry-run"], in: directory)
        #expect(result.status == 2, "\(result.stderr)")
        let expected = [
            "invalid scenario (6 problems):",
            "\(file.path):7:13: devices[0].format: expected one of json, xml, csv, senml, influx; got 'protobuf'",
            "\(file.path):9:29: devices[0].metrics.pressure.baseline: unknown unit 'volts' in '420 volts'",
            "\(file.path):11:5: events[0].burts: unknown event 'burts'; did you mean 'burst'?",
            "\(file.path):12:20: events[1].dropout.at: expected a time within the scenario's duration",
            "\(file.path):12:33: events[1].dropout.device: no device matches 'wm-9'",
            "\(file.path):15:45: expect.alerts[0].severity: expected warning or critical; got 'major'",
        ]
        for line in expected {
            #expect(result.stderr.contains(line), "missing: \(line)\n\(result.stderr)")
        }
    }

    @Test func aScenarioThatRestartsTheBrokerIsRefusedWithoutTheCommand() throws {
        let directory = try TemporaryDirectory(prefix: "scenario-files")
        let file = directory.file("restart.yaml")
        try """
            scenario: restart
            duration: 2m
            devices:
              - { id: wm-1, utility: water, site: north, metrics: { pressure: 420, flow: 30 } }
            events:
              - broker_restart: { at: 1m }
            """.write(to: file, atomically: true, encoding: .utf8)
        // No broker listens on this port: the refusal comes before any connection.
        let result = try ScenarioSupport.runSim(["run", file.path, "--broker", "mqtt://127.0.0.1:9"], in: directory)
        #expect(result.status == 2)
        #expect(result.stderr.contains("scenario 'restart' restarts the broker (broker_restart at +1m00s)"), "\(result.stderr)")
        #expect(result.stderr.contains("--broker-restart-cmd CMD"), "\(result.stderr)")
    }

    /// `uplink_outage` needs both uplink commands, and a gateway with an `uplink:` section: refused
    /// (exit 2, before any connection) when either is missing, never run as a scenario without an outage.
    @Test func aScenarioThatCutsTheUplinkIsRefusedWithoutItsCommandsOrAnUplink() throws {
        let directory = try TemporaryDirectory(prefix: "scenario-files")
        let scenario = ScenarioSupport.scenario("uplink-outage.yaml")
        let none = try ScenarioSupport.runSim(["run", scenario, "--broker", "mqtt://127.0.0.1:9"], in: directory)
        #expect(none.status == 2)
        #expect(none.stderr.contains("scenario 'uplink-outage' cuts the gateway's uplink (uplink_outage at +3m00s)"), "\(none.stderr)")
        #expect(none.stderr.contains("--uplink-stop-cmd CMD and --uplink-start-cmd CMD"), "\(none.stderr)")
        let half = try ScenarioSupport.runSim(
            ["run", scenario, "--broker", "mqtt://127.0.0.1:9", "--uplink-stop-cmd", "true"], in: directory)
        #expect(half.status == 2)
        #expect(half.stderr.contains("with --uplink-start-cmd CMD. Refusing"), "\(half.stderr)")

        let sections = try ScenarioSupport.gatewaySections()
        let config = directory.file("gateway.yaml")
        try """
            gateway: { id: check, state_dir: \(directory.file("state").path) }
            broker: { url: "mqtt://127.0.0.1:9" }
            \(sections.routes)
            \(sections.extra)
            """.write(to: config, atomically: true, encoding: .utf8)
        let noUplink = try ScenarioSupport.runSim(
            ["run", scenario, "--broker", "mqtt://127.0.0.1:9", "--uplink-stop-cmd", "true", "--uplink-start-cmd", "true",
             "--verify", "--config", config.path],
            in: directory)
        #expect(noUplink.status == 2)
        #expect(noUplink.stderr.contains("has no uplink: section"), "\(noUplink.stderr)")

        // The plan shows where the link goes down and comes back.
        let plan = try ScenarioSupport.runSim(["run", scenario, "--dry-run"], in: directory)
        #expect(plan.stdout.contains("+3m00s uplink_outage begins (--uplink-stop-cmd)"), "\(plan.stdout.prefix(2000))")
        #expect(plan.stdout.contains("+13m00s uplink_outage ends (--uplink-start-cmd)"))
    }

    /// With `--config`, devices the gateway would not read as the scenario means are refused
    /// before the run (here: a JSON water meter with a metric its route does not map, and without
    /// one the route requires); a device with an expected_interval in an accelerated run is warned about.
    @Test func devicesMustFitTheGatewayRoutes() throws {
        let directory = try TemporaryDirectory(prefix: "scenario-files")
        let sections = try ScenarioSupport.gatewaySections()
        let config = directory.file("gateway.yaml")
        try """
            gateway: { id: check, state_dir: \(directory.file("state").path) }
            broker: { url: "mqtt://127.0.0.1:9" }
            \(sections.routes)
            \(sections.extra)
            """.write(to: config, atomically: true, encoding: .utf8)
        let file = directory.file("misfit.yaml")
        try """
            scenario: misfit
            duration: 2m
            speed: 60
            devices:
              - { id: wm-1, utility: water, site: north, format: json, metrics: { pressure: 420, turbidity: 0.2 } }
              - { id: wm-2, utility: water, site: north, format: csv, metrics: { pressure: 420 } }
              - { id: wm-live-3, utility: water, site: north, format: influx, metrics: { pressure: 420 } }
            """.write(to: file, atomically: true, encoding: .utf8)
        let result = try ScenarioSupport.runSim(["run", file.path, "--broker", "mqtt://127.0.0.1:9", "--config", config.path], in: directory)
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains("\(file.path): device wm-1: route 'sim-json-water' does not map turbidity (it maps flow, pressure)"), "\(result.stderr)")
        #expect(result.stderr.contains("device wm-1: route 'sim-json-water' also expects flow, which the device does not report"), "\(result.stderr)")
        #expect(!result.stderr.contains("wm-2"), "\(result.stderr)")
        // An accelerated run cannot judge no_data: said as a warning, since the rest still holds.
        #expect(result.stderr.contains("warning: \(file.path): device wm-live-3 has expected_interval 2s in the gateway configuration: at speed 60.0"), "\(result.stderr)")
    }

    @Test func thePlanIsTheSameForTheSameSeed() throws {
        let directory = try TemporaryDirectory(prefix: "scenario-files")
        let scenario = ScenarioSupport.scenario("normal-day.yaml")
        let first = try ScenarioSupport.runSim(["run", scenario, "--dry-run", "--seed", "5"], in: directory)
        let second = try ScenarioSupport.runSim(["run", scenario, "--dry-run", "--seed", "5"], in: directory)
        let other = try ScenarioSupport.runSim(["run", scenario, "--dry-run", "--seed", "6"], in: directory)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.split(separator: "\n").count > 800)
        #expect(first.stdout == second.stdout)
        #expect(first.stdout != other.stdout)
        // Every format of the adapter layer is in the normal day.
        for topic in ["sim/json/", "sim/xml/", "sim/csv/", "sim/senml/", "sim/influx/"] {
            #expect(first.stdout.contains(" \(topic)"), "no \(topic) message")
        }
    }

    @Test(arguments: ScenarioSupport.allShippedScenarios)
    func aShippedScenarioLoads(_ file: String) throws {
        let directory = try TemporaryDirectory(prefix: "scenario-files")
        let result = try ScenarioSupport.runSim(["run", ScenarioSupport.scenario(file), "--dry-run"], in: directory)
        #expect(result.status == 0, "\(file): \(result.stderr)")
    }
}
