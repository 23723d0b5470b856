import ArgumentParser
import GatewayCore
import GatewayQuery
import GatewayRules
import GatewayStore

/// `tickets show ID`: one ticket — its state, its steps with their deadlines (when done, by whom,
/// whether late) and its history, the service archive.
struct TicketsShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show a ticket with its steps and its history.",
        discussion: """
            Three parts: the ticket, its steps (\(Self.stepColumns.joined(separator: ", "))) and its history \
            (\(Record.ticketHistoryColumns.joined(separator: ", "))). JSON: one object with the keys ticket, steps and \
            history. CSV: three tables, each with its header, separated by an empty line.
            """)

    @OptionGroup var database: DatabaseOptions
    @Argument(help: ArgumentHelp("The ticket's id, such as T3.", valueName: "id")) var id: String
    @OptionGroup var output: FormatOption

    static let stepColumns = ["step", "started_at", "deadline", "done_at", "done_by", "overdue"]

    mutating func validate() throws {
        id = try OperatorID.ticket(id)
    }

    func run() throws {
        let reader = try database.openReader()
        let row: TicketRow?
        let history: [HistoryRow]
        do {
            row = try reader.ticket(id: id)
            history = try reader.ticketHistory(id: id)
        } catch { throw CtlFailure("\(error)") }
        guard let row else { throw CtlFailure("no ticket \(id) in \(reader.path)") }
        let ticket = try StoredTicket.ticket(row.body, id: id)
        let now = SystemWallClock().now()
        let parts = [
            RecordOutput.Part(
                key: "ticket", title: "Ticket \(id)", columns: Record.ticketColumns,
                records: [Record(ticket: ticket, now: now)], single: true),
            RecordOutput.Part(
                key: "steps", title: "Steps", columns: Self.stepColumns, records: Self.steps(of: ticket, now: now)),
            RecordOutput.Part(
                key: "history", title: "History", columns: Record.ticketHistoryColumns,
                records: try history.map { Record(ticketHistory: try StoredTicket.event($0.body, id: id)) }),
        ]
        print(RecordOutput.document(parts, format: output.format), terminator: "")
    }

    /// One record per step started. A step is overdue when it was found late, was done after its
    /// deadline, or is still undone past it (for a closed ticket: past it when it was closed).
    static func steps(of ticket: Ticket, now: EpochMillis) -> [Record] {
        ticket.steps.map { step in
            let reference = step.doneAt ?? ticket.closedAt ?? now
            return Record([
                ("step", .text(step.step.rawValue)), ("started_at", .text(RFC3339.format(step.startedAt))),
                ("deadline", .text(RFC3339.format(step.deadline))),
                ("done_at", step.doneAt.map { .text(RFC3339.format($0)) } ?? .null),
                ("done_by", step.doneBy.map(Cell.text) ?? .null),
                ("overdue", .text(step.overdue || reference > step.deadline ? "yes" : "no")),
            ])
        }
    }
}
