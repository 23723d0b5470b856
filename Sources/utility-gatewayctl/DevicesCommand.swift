import ArgumentParser

/// `devices`: the devices the store knows, and taking one out of service for maintenance (its
/// alerts are flagged and nothing new is raised) and back.
struct DevicesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "devices",
        abstract: "List devices; put one out of service and back in service.",
        discussion: """
            list reads the database; whether a device is out of service is known only to the running daemon, \
            so list asks its API too when it can. out-of-service and in-service go through the daemon's API \
            with your operator token (--token-file); the alert history records the token's name as the actor.
            """,
        subcommands: [DevicesListCommand.self, DevicesOutOfServiceCommand.self, DevicesInServiceCommand.self],
        defaultSubcommand: DevicesListCommand.self)
}
