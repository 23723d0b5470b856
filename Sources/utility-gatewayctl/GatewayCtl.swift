import ArgumentParser

/// `utility-gatewayctl`: what operators use to see the gateway's state and query its history.
///
/// `status` asks the running daemon's API. The history queries read the SQLite database directly
/// and read-only, so they work while the daemon is stopped — during an incident the database is
/// the truth (DESIGN §6) — and beside a running daemon (WAL readers never block the writer).
@main
struct GatewayCtl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "utility-gatewayctl",
        abstract: "See a utility gateway's state and query its readings, quarantine and events.",
        subcommands: [
            StatusCommand.self, ReadingsCommand.self, QuarantineCommand.self, SummaryCommand.self, EventsCommand.self,
        ])
}
