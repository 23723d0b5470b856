import ArgumentParser

/// `devices in-service ID`: ends a device's out-of-service period.
struct DevicesInServiceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "in-service",
        abstract: "Put a device back in service (through the running daemon).",
        discussion: "The alert history records your token's name as the actor.")

    @OptionGroup var api: APIOptions
    @Argument(help: ArgumentHelp("The device id.", valueName: "device")) var device: String
    @Option(help: "The device's site, when the same device id exists at several sites.") var site: String?
    @OptionGroup var note: NoteOption
    @OptionGroup var output: ActionOutputOption

    func validate() throws {
        if device.isEmpty { throw ValidationError("give the device id") }
    }

    func run() async throws {
        let answer = try await api.client().post(
            "/api/v1/devices/\(pathSegment(device))/in-service", ["site": site, "note": note.note])
        output.report(answer, "\(device) in service")
    }
}
