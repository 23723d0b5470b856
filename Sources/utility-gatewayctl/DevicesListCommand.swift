import ArgumentParser
import Foundation
import GatewayCore
import GatewayQuery
import GatewayStore

/// `devices list`: every device with readings in the store — how many metrics, the newest reading
/// — and, when the daemon answers (`GET /api/v1/devices`), whether it is out of service.
struct DevicesListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the devices the store has readings from.",
        discussion: """
            JSON and CSV carry the keys \(Self.columns.joined(separator: ", ")). out_of_service is yes or no when the \
            daemon answered, empty (null) when it could not be asked (a note on stderr says why).
            """)

    @OptionGroup var options: StoreAndAPIOptions
    @Option(help: "Only this utility.") var utility: Utility?
    @Option(help: "Only this site.") var site: String?
    @OptionGroup var output: FormatOption

    static let columns = ["utility", "site", "device", "metrics", "last_reading", "out_of_service", "until"]

    func run() async throws {
        let reader = try options.openReader()
        let stored: [KnownDevice]
        do { stored = try reader.knownDevices() } catch { throw CtlFailure("\(error)") }
        let service = await outOfService()
        var devices = stored.map {
            Row(utility: $0.utility, key: .init(site: $0.site, device: $0.device), metrics: $0.metrics, lastReading: $0.lastReading)
        }
        // Devices out of service that never sent a reading are worth listing too.
        let known = Set(devices.map(\.key))
        for (key, state) in (service ?? [:]).sorted(by: { ($0.key.site, $0.key.device) < ($1.key.site, $1.key.device) })
        where !known.contains(key) {
            devices.append(Row(utility: state.utility, key: key, metrics: 0, lastReading: nil))
        }
        let records = devices.filter { row in
            (utility == nil || row.utility == utility) && (site == nil || row.key.site == site)
        }.map { row -> Record in
            let state = service?[row.key]
            return Record([
                ("utility", row.utility.map { .text($0.rawValue) } ?? .null), ("site", .text(row.key.site)),
                ("device", .text(row.key.device)), ("metrics", .int(Int64(row.metrics))),
                ("last_reading", row.lastReading.map { .text(RFC3339.format($0)) } ?? .null),
                ("out_of_service", service == nil ? .null : .text(state?.outOfService == true ? "yes" : "no")),
                ("until", state?.until.map(Cell.text) ?? .null),
            ])
        }
        print(output.format.render(records, columns: Self.columns), terminator: "")
    }

    private struct Row {
        var utility: Utility?
        var key: DeviceServiceState.Key
        var metrics: Int
        var lastReading: EpochMillis?
    }

    /// The daemon's out-of-service devices (any other device is in service), or `nil` (with a note on stderr) when it cannot be asked.
    private func outOfService() async -> [DeviceServiceState.Key: DeviceServiceState]? {
        let client: APIClient?
        do { client = try options.client() } catch {
            note("out_of_service not shown: \(error)")
            return nil
        }
        guard let client else { return nil }
        do {
            return try DeviceServiceState.parse(try await client.get("/api/v1/devices?out_of_service=true&limit=1000"))
        } catch let failure as APIFailure {
            switch failure.status {
            case nil: note("out_of_service not shown: the daemon is not reachable at \(client.baseURL)")
            case 404: note("out_of_service not shown: this daemon's API does not list devices")
            default: note("out_of_service not shown: \(failure)")
            }
        } catch {
            note("out_of_service not shown: the API's device list cannot be read: \(error)")
        }
        return nil
    }

    private func note(_ text: String) {
        FileHandle.standardError.write(Data("note: \(text)\n".utf8))
    }
}
