import Foundation
import GatewayCore

/// The payload formats `utility-sim publish --format` writes. Each carries the device's three
/// metrics under their own names, so the default routes of config/gateway.yaml read every format
/// once their `format:` is changed (bench/run does that); SenML routes take the device from
/// `{payload.bn}` and no `timestamp:` (SenML carries its own).
enum PublishFormat: String, CaseIterable, Sendable {
    /// `{"seq":N,"ts":EPOCH_MS,"pressure":…}` (with `"sent_us":µs` after `seq` when asked)
    case json
    /// `ts,pressure,flow,chlorine_free` and one row per reading time, 1 ms apart
    case csv
    /// `<reading><ts>EPOCH_MS</ts><pressure>…</pressure>…</reading>`
    case xml
    /// `[{"bn":"ID:","bt":SECONDS,"n":"pressure","v":…},{"n":"flow","v":…},…]`
    case senml
}

extension SimulatedDevice {
    /// One message of `format` with `rows` reading times (only CSV has more than one; the others
    /// ignore `rows`), the first at `timestamp` and each next one 1 ms later. `sentMicros`, when
    /// given, is embedded in JSON as `"sent_us"` for bench/run's publish-to-commit latency.
    func payload(
        format: PublishFormat, rows: Int, sequence: Int64, timestamp: EpochMillis, sentMicros: Int64? = nil,
        generator: inout SeededGenerator
    ) -> [UInt8] {
        switch format {
        case .json:
            let body = payload(sequence: sequence, timestamp: timestamp, generator: &generator)
            guard let sentMicros else { return body }
            // {"seq":N,… → {"seq":N,"sent_us":µs,…
            let comma = body.firstIndex(of: UInt8(ascii: ","))!
            return Array(body[..<comma]) + Array(",\"sent_us\":\(sentMicros)".utf8) + Array(body[comma...])
        case .csv:
            var text = "ts," + metrics.map(\.name).joined(separator: ",") + "\n"
            for row in 0..<max(1, rows) {
                let time = timestamp + EpochMillis(row)
                text += "\(time)," + values(timestamp: time, generator: &generator).joined(separator: ",") + "\n"
            }
            return Array(text.utf8)
        case .xml:
            let cells = zip(metrics, values(timestamp: timestamp, generator: &generator))
            let elements = cells.map { "<\($0.name)>\($1)</\($0.name)>" }.joined()
            return Array("<reading><ts>\(timestamp)</ts>\(elements)</reading>".utf8)
        case .senml:
            let seconds = String(format: "%.3f", Double(timestamp) / 1000)
            let records = zip(metrics, values(timestamp: timestamp, generator: &generator)).enumerated().map { index, cell in
                index == 0
                    ? "{\"bn\":\"\(id):\",\"bt\":\(seconds),\"n\":\"\(cell.0.name)\",\"v\":\(cell.1)}"
                    : "{\"n\":\"\(cell.0.name)\",\"v\":\(cell.1)}"
            }
            return Array("[\(records.joined(separator: ","))]".utf8)
        }
    }
}

/// Wall-clock microseconds since the epoch (`CLOCK_REALTIME`, the clock the daemon's commit trace
/// reads on the same host).
func wallClockMicros() -> Int64 {
    var spec = timespec()
    clock_gettime(CLOCK_REALTIME, &spec)
    return Int64(spec.tv_sec) * 1_000_000 + Int64(spec.tv_nsec) / 1000
}
