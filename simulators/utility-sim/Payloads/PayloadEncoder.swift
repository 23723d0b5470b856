import Foundation
import GatewayCore

/// A device's reading as the payload of its format, as the routes of
/// `simulators/gateway-scenarios.yaml` read them (that file documents the same shapes):
///
/// - json: `{"ts":EPOCH_MS,"pressure":420.1,"flow":35.2}`
/// - xml: `<reading device="ID"><time>RFC3339</time><turbidity>0.31</turbidity></reading>`
/// - csv: a header of every column in ``csvColumns`` and one row; metrics the device does not
///   report are empty cells (no reading, no quarantine)
/// - senml: `[{"bn":"ID:","bt":SECONDS,"n":"voltage","v":230.1},{"n":"frequency","v":50.01}]`
/// - influx: `<utility>,site=S,device=ID voltage=230.1,frequency=50.01 EPOCH_MS` (precision ms)
///
/// Values are in canonical units, so the routes declare canonical units.
enum PayloadEncoder {
    /// The CSV route's columns after `ts` (a fixed header, because a route's CSV metrics are fixed).
    static let csvColumns = [
        "pressure", "flow", "turbidity", "chlorine_free", "chlorine_total", "ph", "voltage", "current",
        "frequency", "oil_temperature", "gas_leak", "co",
    ]

    static func payload(for device: ScenarioDevice, values: [(metric: String, value: Double)], timestamp: EpochMillis) -> [UInt8] {
        func number(_ metric: String, _ value: Double) -> String {
            let decimals = device.metrics.first { $0.name == metric }?.decimals ?? 3
            return String(format: "%.\(decimals)f", value)
        }
        switch device.format {
        case .json:
            let fields = values.map { "\"\($0.metric)\":\(number($0.metric, $0.value))" }
            return Array("{\"ts\":\(timestamp),\(fields.joined(separator: ","))}".utf8)
        case .xml:
            let elements = values.map { "<\($0.metric)>\(number($0.metric, $0.value))</\($0.metric)>" }.joined()
            return Array("<reading device=\"\(device.id)\"><time>\(RFC3339.format(timestamp))</time>\(elements)</reading>".utf8)
        case .csv:
            let cells = csvColumns.map { column in values.first { $0.metric == column }.map { number($0.metric, $0.value) } ?? "" }
            return Array("ts,\(csvColumns.joined(separator: ","))\n\(timestamp),\(cells.joined(separator: ","))\n".utf8)
        case .senml:
            let seconds = String(format: "%.3f", Double(timestamp) / 1000)
            let records = values.enumerated().map { index, entry in
                index == 0
                    ? "{\"bn\":\"\(device.id):\",\"bt\":\(seconds),\"n\":\"\(entry.metric)\",\"v\":\(number(entry.metric, entry.value))}"
                    : "{\"n\":\"\(entry.metric)\",\"v\":\(number(entry.metric, entry.value))}"
            }
            return Array("[\(records.joined(separator: ","))]".utf8)
        case .influx:
            let fields = values.map { "\($0.metric)=\(number($0.metric, $0.value))" }.joined(separator: ",")
            return Array("\(device.utility.rawValue),site=\(device.site),device=\(device.id) \(fields) \(timestamp)\n".utf8)
        }
    }

    /// A payload no adapter accepts in any format: the first half of a good one and a byte that is
    /// never valid UTF-8. (Merely cutting a line-protocol or CSV payload short could leave a valid
    /// but wrong number, which would be a false reading, not a malformed message.)
    static func corrupted(_ payload: [UInt8]) -> [UInt8] {
        Array(payload.prefix(payload.count / 2)) + [0xFF]
    }
}
