import ArgumentParser
import GatewayCore
import GatewayQuery
import GatewayRules
import GatewayStore

/// `tickets list`: service tickets, the most recently opened first; open ones unless asked otherwise.
struct TicketsListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List service tickets, the most recently opened first.",
        discussion: """
            JSON and CSV carry the keys \(Record.ticketColumns.joined(separator: ", ")); times are RFC 3339 UTC. \
            step is the step to do next and deadline its deadline; overdue is yes when that deadline has passed.
            """)

    /// `--state`.
    enum StateSelection: String, ExpressibleByArgument, CaseIterable {
        case open, closed, all
    }

    @OptionGroup var database: DatabaseOptions
    @Option(help: "open, closed or all.") var state: StateSelection = .open
    @Option(help: "Only open tickets at this step.") var step: TicketStep?
    @Option(help: "Only this utility.") var utility: Utility?
    @Option(help: "Only this site.") var site: String?
    @Option(help: "Only this device.") var device: String?
    @Option(help: ArgumentHelp("Only this rule (its id).", valueName: "id")) var rule: String?
    @Flag(help: "Only open tickets past their current step's deadline.") var overdue = false
    @Option(help: "At most this many tickets (1…100000).") var limit: Int = 100
    @OptionGroup var output: FormatOption

    func validate() throws {
        guard (1...100_000).contains(limit) else { throw ValidationError("--limit must be between 1 and 100000; got \(limit)") }
        if state == .closed && (step != nil || overdue) {
            throw ValidationError("--step and --overdue are about open tickets; they do not go with --state closed")
        }
    }

    func run() throws {
        let reader = try database.openReader()
        let now = SystemWallClock().now()
        let filter = TicketFilter(
            state: state == .all ? nil : state.rawValue, step: step?.rawValue, utility: utility, site: site,
            device: device, rule: rule, overdueAt: overdue ? now : nil, limit: limit)
        let rows: [TicketRow]
        do { rows = try reader.tickets(filter) } catch { throw CtlFailure("\(error)") }
        let records = try rows.map { Record(ticket: try StoredTicket.ticket($0.body, id: $0.id), now: now) }
        print(output.format.render(records, columns: Record.ticketColumns), terminator: "")
    }
}

extension TicketStep: ExpressibleByArgument {}

/// Decoding what the store keeps, with a message that names the record.
enum StoredTicket {
    static func ticket(_ body: String, id: String) throws -> Ticket {
        do { return try StoredBody.ticket(body) } catch {
            throw CtlFailure("ticket \(id): its stored state cannot be read (written by a newer release?): \(error)")
        }
    }

    static func event(_ body: String, id: String) throws -> TicketEvent {
        do { return try StoredBody.ticketEvent(body) } catch {
            throw CtlFailure("ticket \(id): a history entry cannot be read (written by a newer release?): \(error)")
        }
    }
}
