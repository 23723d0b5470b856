import ArgumentParser
import GatewayCore
import GatewayQuery
import GatewayStore

/// `events`: what the gateway noticed about itself (a lost broker session, …), newest first.
struct EventsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events",
        abstract: "List gateway events such as possible data gaps, newest first.")

    @OptionGroup var database: DatabaseOptions
    @Option(help: "At most this many events (1…100000).") var limit: Int = 100
    @OptionGroup var output: FormatOption

    func validate() throws {
        guard (1...100_000).contains(limit) else { throw ValidationError("--limit must be between 1 and 100000; got \(limit)") }
    }

    func run() throws {
        let reader = try database.openReader()
        let events: [StoredGatewayEvent]
        do { events = try reader.events(limit: limit) } catch { throw CtlFailure("\(error)") }
        let records = events.map { stored in
            Record([
                ("id", .int(stored.id)), ("ts", .text(RFC3339.format(stored.event.timestamp))),
                ("kind", .text(stored.event.kind.rawValue)), ("message", .text(stored.event.message)),
            ])
        }
        print(output.format.render(records, columns: ["id", "ts", "kind", "message"]), terminator: "")
    }
}
