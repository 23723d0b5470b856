import ArgumentParser

/// `devices out-of-service ID`: maintenance — the device's alerts are flagged and nothing new is
/// raised for it, until a time or until it is put back (`in-service`).
struct DevicesOutOfServiceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "out-of-service",
        abstract: "Put a device out of service (through the running daemon).",
        discussion: """
            Without --for or --until the device stays out of service until 'devices in-service'. \
            The alert history records your token's name as the actor.
            """)

    @OptionGroup var api: APIOptions
    @Argument(help: ArgumentHelp("The device id.", valueName: "device")) var device: String
    @Option(help: "The device's site, when the same device id exists at several sites.") var site: String?
    @OptionGroup var expiry: ExpiryOptions
    @OptionGroup var note: NoteOption
    @OptionGroup var output: ActionOutputOption

    func validate() throws {
        if device.isEmpty { throw ValidationError("give the device id") }
    }

    func run() async throws {
        var fields = expiry.fields
        fields["site"] = site
        fields["note"] = note.note
        let answer = try await api.client().post("/api/v1/devices/\(pathSegment(device))/out-of-service", fields)
        output.report(answer, "\(device) out of service")
    }
}
