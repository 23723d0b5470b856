import ArgumentParser
import GatewayQuery
import GatewayStore

/// `alerts history ID`: every transition of one alert, oldest first, with actor and note.
struct AlertsHistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "List one alert's history, oldest first.",
        discussion: "JSON and CSV carry the keys \(Record.alertHistoryColumns.joined(separator: ", ")).")

    @OptionGroup var database: DatabaseOptions
    @Argument(help: ArgumentHelp("The alert's id, such as A7.", valueName: "id")) var id: String
    @OptionGroup var output: FormatOption

    mutating func validate() throws {
        id = try OperatorID.alert(id)
    }

    func run() throws {
        let reader = try database.openReader()
        let rows: [HistoryRow]
        do { rows = try reader.alertHistory(id: id) } catch { throw CtlFailure("\(error)") }
        guard !rows.isEmpty else { throw CtlFailure("no alert \(id) in \(reader.path)") }
        let records = try rows.map { Record(alertHistory: try StoredAlert.event($0.body, id: id)) }
        print(output.format.render(records, columns: Record.alertHistoryColumns), terminator: "")
    }
}
