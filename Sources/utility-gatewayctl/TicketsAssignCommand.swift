import ArgumentParser
import Foundation

/// `tickets assign ID --to NAME`: who works on the ticket.
struct TicketsAssignCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "assign",
        abstract: "Assign a ticket to someone (through the running daemon).",
        discussion: "The history records your token's name as the actor.")

    @OptionGroup var api: APIOptions
    @Argument(help: ArgumentHelp("The ticket's id, such as T3.", valueName: "id")) var id: String
    @Option(name: .customLong("to"), help: ArgumentHelp("Who works on it.", valueName: "name")) var assignee: String
    @OptionGroup var note: NoteOption
    @OptionGroup var output: ActionOutputOption

    mutating func validate() throws {
        id = try OperatorID.ticket(id)
        if assignee.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--to needs a name") }
    }

    func run() async throws {
        let answer = try await api.client().post(
            "/api/v1/tickets/\(id)/assign", ["assignee": assignee, "note": note.note])
        output.report(answer, "\(id) assigned to \(assignee)")
    }
}
