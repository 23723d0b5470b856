import ArgumentParser

/// `alerts shelve ID --for 2h | --until T`: hides an alert for a while (ISA-18.2 shelving; it is
/// still evaluated, and the shelving ends by itself), through the daemon.
struct AlertsShelveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shelve",
        abstract: "Shelve an alert for a while (through the running daemon).",
        discussion: """
            Shelving always ends: give --for (from now) or --until. Safety alerts cannot be shelved. \
            The history records your token's name as the actor.
            """)

    @OptionGroup var api: APIOptions
    @Argument(help: ArgumentHelp("The alert's id, such as A7.", valueName: "id")) var id: String
    @OptionGroup var expiry: ExpiryOptions
    @OptionGroup var note: NoteOption
    @OptionGroup var output: ActionOutputOption

    mutating func validate() throws {
        id = try OperatorID.alert(id)
        if expiry.isEmpty { throw ValidationError("shelving needs an end: give --for DURATION (2h) or --until TIME") }
    }

    func run() async throws {
        var fields = expiry.fields
        fields["note"] = note.note
        let answer = try await api.client().post("/api/v1/alerts/\(id)/shelve", fields)
        output.report(answer, "\(id) shelved")
    }
}
