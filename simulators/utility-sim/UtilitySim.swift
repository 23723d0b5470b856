import ArgumentParser

/// `utility-sim`: simulated water, power and gas field devices, so that the gateway can be tried,
/// tested and demonstrated without hardware.
@main
struct UtilitySim: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "utility-sim",
        abstract: "Simulate water, power and gas sensor feeds over MQTT.",
        subcommands: [PublishCommand.self, RunCommand.self, RecordCommand.self, ReplayCommand.self])
}
