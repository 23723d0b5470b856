import ArgumentParser
import GatewayCore
import GatewayQuery
import GatewayStore

/// `quarantine`: payloads the gateway acknowledged but could not turn into readings, with why.
struct QuarantineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quarantine",
        abstract: "List quarantined payloads with their reason, newest first.")

    @OptionGroup var database: DatabaseOptions
    @Option(help: ArgumentHelp("Only this reason: \(QuarantineReason.allCases.map(\.rawValue).joined(separator: ", ")).", valueName: "reason"))
    var reason: QuarantineReason?
    @Option(help: "Only this route (its id).") var route: String?
    @Option(help: "Only this topic.") var topic: String?
    @Option(help: ArgumentHelp("Only records at or after this time: 1h, 30m, 7d or an RFC 3339 time.", valueName: "time"))
    var since: TimeArgument?
    @Option(help: ArgumentHelp("Only records before this time.", valueName: "time")) var until: TimeArgument?
    @Option(help: "At most this many records (1…100000).") var limit: Int = 100
    @Flag(help: "Include the payload (as text, cut to 200 characters in tables).") var payload = false
    @OptionGroup var output: FormatOption

    func validate() throws {
        guard (1...100_000).contains(limit) else { throw ValidationError("--limit must be between 1 and 100000; got \(limit)") }
    }

    func run() throws {
        let reader = try database.openReader()
        let records: [StoredQuarantineRecord]
        do {
            records = try reader.quarantine(QuarantineFilter(
                reason: reason, route: route, topic: topic, since: since?.millis, until: until?.millis, limit: limit))
        } catch { throw CtlFailure("\(error)") }
        let columns = Record.quarantineColumns + (payload ? ["payload"] : [])
        let rows = records.map {
            Record(
                quarantineID: $0.id, record: $0.record, includePayload: payload,
                payloadLimit: output.format == .table ? 200 : nil)
        }
        print(output.format.render(rows, columns: columns), terminator: "")
    }
}

extension QuarantineReason: ExpressibleByArgument {}
