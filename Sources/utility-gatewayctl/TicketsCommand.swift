import ArgumentParser

/// `tickets`: service tickets and the handbook's steps (accept → investigate → handle → feed back
/// → closed). Listings read the database; every change goes through the daemon's API.
struct TicketsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tickets",
        abstract: "List and show service tickets; work them through their steps.",
        discussion: """
            list and show read the database (--config or --database) and work while the daemon is down. \
            accept, investigate, handle and feedback mark that step done (in order; feedback closes the ticket); \
            close ends a ticket at any step with a reason; assign and note add to it. Changes go through the \
            running daemon's API (--config or --api) with your operator token (--token-file): the ticket's \
            history, the service archive, records the token's name as the actor.
            """,
        subcommands: [
            TicketsListCommand.self, TicketsShowCommand.self,
            TicketStepCommand<AcceptStep>.self, TicketStepCommand<InvestigateStep>.self,
            TicketStepCommand<HandleStep>.self, TicketStepCommand<FeedbackStep>.self,
            TicketsCloseCommand.self, TicketsAssignCommand.self, TicketsNoteCommand.self,
        ],
        defaultSubcommand: TicketsListCommand.self)
}
