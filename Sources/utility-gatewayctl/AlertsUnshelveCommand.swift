import ArgumentParser

/// `alerts unshelve ID`: ends an alert's shelving early, through the daemon.
struct AlertsUnshelveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unshelve",
        abstract: "End an alert's shelving (through the running daemon).",
        discussion: "The history records your token's name as the actor.")

    @OptionGroup var api: APIOptions
    @Argument(help: ArgumentHelp("The alert's id, such as A7.", valueName: "id")) var id: String
    @OptionGroup var note: NoteOption
    @OptionGroup var output: ActionOutputOption

    mutating func validate() throws {
        id = try OperatorID.alert(id)
    }

    func run() async throws {
        let answer = try await api.client().post("/api/v1/alerts/\(id)/unshelve", ["note": note.note])
        output.report(answer, "\(id) unshelved")
    }
}
