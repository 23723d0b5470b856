import ArgumentParser

/// `alerts`: the rule engine's alert episodes. Listings read the database (they work while the
/// daemon is down); acknowledging and shelving go through the daemon's API, as the token's owner.
struct AlertsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alerts",
        abstract: "List alerts and their history; acknowledge, shelve and unshelve them.",
        discussion: """
            list, show and history read the database (--config or --database) and work while the daemon is down. \
            ack, shelve and unshelve go through the running daemon's API (--config or --api) with your operator \
            token (--token-file); the history records the token's name as the actor.
            """,
        subcommands: [
            AlertsListCommand.self, AlertsShowCommand.self, AlertsHistoryCommand.self, AlertsAckCommand.self,
            AlertsShelveCommand.self, AlertsUnshelveCommand.self,
        ],
        defaultSubcommand: AlertsListCommand.self)
}
