import ArgumentParser
import Foundation
import GatewayCore
import GatewayQuery
import GatewayStore

/// `readings`: the stored readings, newest first.
struct ReadingsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "readings",
        abstract: "List stored readings, newest first.",
        discussion: "JSON and CSV carry the keys seq, utility, site, device, metric, value, unit, ts and received_at; times are RFC 3339 UTC.")

    @OptionGroup var database: DatabaseOptions
    @Option(help: "Only this utility.") var utility: Utility?
    @Option(help: "Only this site.") var site: String?
    @Option(help: "Only this device.") var device: String?
    @Option(help: "Only this metric (pressure, flow, voltage, …).") var metric: String?
    @Option(help: ArgumentHelp("Only readings at or after this time: 1h, 30m, 7d or an RFC 3339 time.", valueName: "time"))
    var since: TimeArgument?
    @Option(help: ArgumentHelp("Only readings before this time.", valueName: "time")) var until: TimeArgument?
    @Option(help: "At most this many readings (1…100000).") var limit: Int = 100
    @OptionGroup var output: FormatOption

    static let columns = ["seq", "utility", "site", "device", "metric", "value", "unit", "ts", "received_at"]

    func validate() throws {
        guard (1...100_000).contains(limit) else { throw ValidationError("--limit must be between 1 and 100000; got \(limit)") }
    }

    func run() throws {
        let reader = try database.openReader()
        let filter = ReadingFilter(
            utility: utility, site: site, device: device, metric: metric,
            since: since?.millis, until: until?.millis, limit: limit)
        let readings: [Reading]
        do { readings = try reader.readings(filter) } catch { throw CtlFailure("\(error)") }
        print(output.format.render(readings.map(Record.init(reading:)), columns: Self.columns), terminator: "")
        if readings.isEmpty { explainEmptyResult(reader) }
    }

    /// An empty answer because of a typo looks like an empty feed: say on stderr which filter
    /// names something the store has never seen, with the closest name it has.
    private func explainEmptyResult(_ reader: StoreReader) {
        for (column, value) in [(StoreReader.IdentityColumn.site, site), (.device, device), (.metric, metric)] {
            guard let value, let known = try? reader.knownNames(column), !known.contains(value) else { continue }
            var hint = "note: no \(column.rawValue) '\(value)' in the store"
            if let close = Suggestion.closest(to: value, among: known) { hint += "; did you mean '\(close)'?" }
            FileHandle.standardError.write(Data((hint + "\n").utf8))
        }
    }
}

extension Utility: ExpressibleByArgument {}
