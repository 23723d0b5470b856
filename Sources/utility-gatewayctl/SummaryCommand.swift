import ArgumentParser
import GatewayCore
import GatewayQuery
import GatewayStore

/// `summary`: what the store holds, per utility and metric.
struct SummaryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "summary",
        abstract: "Summarise the stored readings per utility and metric, and the store's totals.")

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: FormatOption

    static let columns = ["utility", "metric", "unit", "readings", "devices", "min", "mean", "max", "first_ts", "last_ts"]

    func run() throws {
        let reader = try database.openReader()
        let rows: [ReadingSummaryRow]
        let counts: StoreCounts
        do {
            rows = try reader.summary()
            counts = try reader.counts()
        } catch { throw CtlFailure("\(error)") }
        let records = rows.map { row in
            Record([
                ("utility", .text(row.utility.rawValue)), ("metric", .text(row.metric)), ("unit", .text(row.unit)),
                ("readings", .int(Int64(row.count))), ("devices", .int(Int64(row.devices))),
                ("min", .double(Self.round(row.minValue))), ("mean", .double(Self.round(row.meanValue))),
                ("max", .double(Self.round(row.maxValue))),
                ("first_ts", .text(RFC3339.format(row.firstTimestamp))), ("last_ts", .text(RFC3339.format(row.lastTimestamp))),
            ])
        }
        print(output.format.render(records, columns: Self.columns), terminator: "")
        if output.format == .table {
            print("""

                total: \(counts.readings) readings in \(counts.series) series, last seq \(counts.lastSeq); \
                \(counts.quarantined) quarantined; \(counts.events) events; \
                database \(counts.fileSizeBytes / 1024) KiB (+ \(counts.walSizeBytes / 1024) KiB WAL)
                """)
        }
    }

    /// Four significant decimals are enough to read; JSON and CSV keep the same rounding so that the
    /// forms agree.
    static func round(_ value: Double) -> Double {
        (value * 10_000).rounded() / 10_000
    }
}
