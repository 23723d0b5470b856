import ArgumentParser
import Foundation
import GatewayCore
import GatewayQuery
import GatewayRules
import GatewayStore

/// `alerts list`: alert episodes, the most recently begun first; open ones unless asked otherwise.
struct AlertsListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List alerts, the most recently begun first.",
        discussion: """
            JSON and CSV carry the keys \(Record.alertColumns.joined(separator: ", ")); times are RFC 3339 UTC. \
            The flags column says shelved (with its end), suppressed, out_of_service, safety or flood.
            """)

    @OptionGroup var database: DatabaseOptions
    @Option(help: ArgumentHelp(
        "open (every state but cleared), all, or states separated by commas: \(AlertState.allCases.map(\.rawValue).joined(separator: ", ")).",
        valueName: "state"))
    var state = "open"
    @Option(help: "Only this severity.") var severity: Severity?
    @Option(help: "Only this utility.") var utility: Utility?
    @Option(help: "Only this site.") var site: String?
    @Option(help: "Only this device.") var device: String?
    @Option(help: ArgumentHelp("Only this rule (its id).", valueName: "id")) var rule: String?
    @Option(help: ArgumentHelp("Only alerts begun at or after this time: 1h, 30m, 7d or an RFC 3339 time.", valueName: "time"))
    var since: TimeArgument?
    @Option(help: ArgumentHelp("Only alerts begun before this time.", valueName: "time")) var until: TimeArgument?
    @Option(help: "At most this many alerts (1…100000).") var limit: Int = 100
    @OptionGroup var output: FormatOption

    /// Every state but `cleared`: what still needs an operator, or may soon (`pending`: the on-delay
    /// is running). The same as the API's `state=open`.
    static let openStates = AlertState.allCases.filter { $0 != .cleared }.map(\.rawValue)

    func validate() throws {
        guard (1...100_000).contains(limit) else { throw ValidationError("--limit must be between 1 and 100000; got \(limit)") }
        _ = try states()
    }

    /// The states `--state` names (as the API reads its `state` parameter); empty: any.
    func states() throws -> Set<String> {
        var states: Set<String> = []
        for part in state.split(separator: ",", omittingEmptySubsequences: false) {
            let word = part.trimmingCharacters(in: .whitespaces)
            switch word {
            case "all": return []
            case "open": states.formUnion(Self.openStates)
            default:
                guard AlertState(rawValue: word) != nil else {
                    throw ValidationError(
                        "--state takes open, all or \(AlertState.allCases.map(\.rawValue).joined(separator: ", ")) "
                            + "(or a comma list of states); got '\(word)'")
                }
                states.insert(word)
            }
        }
        return states
    }

    func run() throws {
        let reader = try database.openReader()
        let filter = AlertFilter(
            states: try states(), severity: severity?.rawValue, utility: utility, site: site, device: device, rule: rule,
            since: since?.millis, until: until?.millis, limit: limit)
        let rows: [AlertRow]
        do { rows = try reader.alerts(filter) } catch { throw CtlFailure("\(error)") }
        let records = try rows.map { Record(alert: try StoredAlert.event($0.body, id: $0.id)) }
        print(output.format.render(records, columns: Record.alertColumns), terminator: "")
    }
}

extension Severity: ExpressibleByArgument {}

/// Decoding what the store keeps, with a message that names the record.
enum StoredAlert {
    static func event(_ body: String, id: String) throws -> AlertEvent {
        do { return try StoredBody.alertEvent(body) } catch {
            throw CtlFailure("alert \(id): its stored state cannot be read (written by a newer release?): \(error)")
        }
    }
}
