import ArgumentParser
import Foundation

/// `tickets note ID --note TEXT`: adds a note to a ticket's history.
struct TicketsNoteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "note",
        abstract: "Add a note to a ticket's history (through the running daemon).",
        discussion: "The history records your token's name as the actor.")

    @OptionGroup var api: APIOptions
    @Argument(help: ArgumentHelp("The ticket's id, such as T3.", valueName: "id")) var id: String
    @Option(help: ArgumentHelp("The note.", valueName: "text")) var note: String
    @OptionGroup var output: ActionOutputOption

    mutating func validate() throws {
        id = try OperatorID.ticket(id)
        if note.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { throw ValidationError("--note needs some text") }
    }

    func run() async throws {
        let answer = try await api.client().post("/api/v1/tickets/\(id)/note", ["note": note])
        output.report(answer, "\(id) noted")
    }
}
