import ArgumentParser

/// `tickets close ID --reason R`: ends a ticket at any step.
struct TicketsCloseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "close",
        abstract: "Close a ticket at any step, with a reason (through the running daemon).",
        discussion: "A ticket whose four steps are done is closed by feedback. The history records your token's name as the actor.")

    /// The reasons an operator may give (`completed` is the feedback step's own).
    enum Reason: String, ExpressibleByArgument, CaseIterable {
        case falseAlarm = "false_alarm"
        case duplicate, resolved, other
    }

    @OptionGroup var api: APIOptions
    @Argument(help: ArgumentHelp("The ticket's id, such as T3.", valueName: "id")) var id: String
    @Option(help: "Why: false_alarm, duplicate, resolved or other.") var reason: Reason
    @OptionGroup var note: NoteOption
    @OptionGroup var output: ActionOutputOption

    mutating func validate() throws {
        id = try OperatorID.ticket(id)
    }

    func run() async throws {
        let answer = try await api.client().post(
            "/api/v1/tickets/\(id)/close", ["reason": reason.rawValue, "note": note.note])
        output.report(answer, "\(id) closed (\(reason.rawValue))")
    }
}
