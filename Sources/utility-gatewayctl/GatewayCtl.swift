import ArgumentParser

/// `utility-gatewayctl`: what operators use to see the gateway's state and query its history.
///
/// `status` asks the running daemon's API. The history queries — readings, quarantine, events, and
/// the listings of alerts, tickets and devices — read the SQLite database directly and read-only,
/// so they work while the daemon is stopped — during an incident the database is the truth
/// (DESIGN §6) — and beside a running daemon (WAL readers never block the writer). Changes
/// (acknowledging an alert, a ticket step, out of service) go through the daemon's API, which
/// records the operator's token name as the actor.
@main
struct GatewayCtl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "utility-gatewayctl",
        abstract: "See a utility gateway's state, query its history, and work its alerts and tickets.",
        subcommands: [
            StatusCommand.self, ReadingsCommand.self, QuarantineCommand.self, SummaryCommand.self, EventsCommand.self,
            AlertsCommand.self, TicketsCommand.self, DevicesCommand.self, StoreCommand.self,
        ])
}
