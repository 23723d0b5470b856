import ArgumentParser

/// `utility-gatewayctl`: what operators use to query the gateway's history.
///
/// Queries read the SQLite database directly and read-only, so they work while the daemon is
/// stopped — during an incident the database is the truth (DESIGN §6) — and beside a running
/// daemon (WAL readers never block the writer).
@main
struct GatewayCtl: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "utility-gatewayctl",
        abstract: "Query the readings, quarantine and events of a utility gateway.",
        subcommands: [ReadingsCommand.self, QuarantineCommand.self, SummaryCommand.self, EventsCommand.self])
}
