import ArgumentParser
import Foundation
import GatewayConfig
import GatewayCore
import GatewayAdapters
import GatewayDaemon
import Logging

/// `utility-gatewayd`: the gateway daemon.
@main
struct GatewayDaemonCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "utility-gatewayd",
        abstract: "Store-and-forward gateway for water, power and gas field sensors.",
        discussion: """
            Subscribes to the MQTT topics of the configured routes, decodes every payload into \
            canonical readings and stores them in SQLite before acknowledging them to the broker. \
            Stops gracefully on SIGTERM or SIGINT; SIGHUP reloads the configuration (routes and \
            rules apply at once, an invalid file is rejected and the running configuration kept). \
            Under systemd (Type=notify) it reports readiness, status and watchdog pings.
            """)

    /// The entry point: `CommandLine.arguments`, or — when the Swift runtime captured none, as
    /// happens when an `LD_PRELOAD` library such as libfaketime (used by the clock-jump tests) is
    /// loaded — the process's own `/proc/self/cmdline`.
    static func main() async {
        var arguments = Array(CommandLine.arguments.dropFirst())
        if CommandLine.arguments.isEmpty, let cmdline = FileManager.default.contents(atPath: "/proc/self/cmdline") {
            arguments = Array(cmdline.split(separator: 0, omittingEmptySubsequences: false).dropFirst().map {
                String(decoding: $0, as: UTF8.self)
            })
            if arguments.last == "" { arguments.removeLast() }
        }
        await main(arguments)
    }

    @Option(name: .long, help: ArgumentHelp("The configuration file (YAML).", valueName: "file"))
    var config: String

    @Flag(name: .long, help: "Validate the configuration, print every problem, and exit (0: valid, 1: invalid).")
    var check = false

    func run() async throws {
        let validated: (GatewayConfiguration, MessageDecoder)
        do {
            validated = try GatewayDaemon.validate(configPath: config)
        } catch {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            throw ExitCode(1)
        }
        if check {
            print("\(config): configuration is valid (\(validated.0.routes.count) routes)")
            return
        }
        let level = Logger.Level(rawValue: validated.0.gateway.logLevel.rawValue) ?? .info
        LoggingSystem.bootstrap { label in JournalLogHandler(label: label, level: level) }
        let logger = Logger(label: "utility-gatewayd")
        do {
            try await GatewayDaemon.run(
                configPath: config, configuration: validated.0, decoder: validated.1, logger: logger)
        } catch {
            logger.critical("gateway.failed", metadata: ["error": "\(error)"])
            throw ExitCode(2)
        }
    }
}
