import ArgumentParser
import GatewayQuery
import GatewayStore

/// `alerts show ID`: one alert as it stands (its last event).
struct AlertsShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Show one alert as it stands.")

    @OptionGroup var database: DatabaseOptions
    @Argument(help: ArgumentHelp("The alert's id, such as A7.", valueName: "id")) var id: String
    @OptionGroup var output: FormatOption

    mutating func validate() throws {
        id = try OperatorID.alert(id)
    }

    func run() throws {
        let reader = try database.openReader()
        let row: AlertRow?
        do { row = try reader.alert(id: id) } catch { throw CtlFailure("\(error)") }
        guard let row else {
            throw CtlFailure("no alert \(id) in \(reader.path) (it may have been pending only: see 'alerts history \(id)')")
        }
        let record = Record(alert: try StoredAlert.event(row.body, id: id))
        print(RecordOutput.single(record, columns: Record.alertColumns, format: output.format), terminator: "")
    }
}
