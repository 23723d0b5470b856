import ArgumentParser

/// The four step verbs, one command each: `tickets accept|investigate|handle|feedback ID` marks
/// that step done (`POST /api/v1/tickets/{id}/{step}`); the next step's deadline runs from then.
struct TicketStepCommand<Verb: TicketStepVerb>: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: Verb.name, abstract: Verb.abstract + " (through the running daemon).",
            discussion: "Steps are done in order. The history records your token's name as the actor.")
    }

    @OptionGroup var api: APIOptions
    @Argument(help: ArgumentHelp("The ticket's id, such as T3.", valueName: "id")) var id: String
    @OptionGroup var note: NoteOption
    @OptionGroup var output: ActionOutputOption

    init() {}

    mutating func validate() throws {
        id = try OperatorID.ticket(id)
    }

    func run() async throws {
        let answer = try await api.client().post("/api/v1/tickets/\(id)/\(Verb.name)", ["note": note.note])
        output.report(answer, "\(id) \(Verb.done)")
    }
}

/// One of the handbook's steps, as a command.
protocol TicketStepVerb: Sendable {
    static var name: String { get }
    static var abstract: String { get }
    /// What the confirmation says was done (`accepted`).
    static var done: String { get }
}

enum AcceptStep: TicketStepVerb {
    static let name = "accept"
    static let abstract = "Accept a ticket: someone owns it now"
    static let done = "accepted"
}

enum InvestigateStep: TicketStepVerb {
    static let name = "investigate"
    static let abstract = "Mark a ticket's investigation done"
    static let done = "investigated"
}

enum HandleStep: TicketStepVerb {
    static let name = "handle"
    static let abstract = "Mark a ticket's handling (the repair) done"
    static let done = "handled"
}

enum FeedbackStep: TicketStepVerb {
    static let name = "feedback"
    static let abstract = "Mark a ticket's feedback done; this closes it as completed"
    static let done = "fed back"
}
