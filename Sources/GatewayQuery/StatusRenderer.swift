import Foundation
import GatewayCore

/// `utility-gatewayctl status` for people: one line per concern (gateway, readiness, broker,
/// uplink, ingest, store), then the per-route table. Tools use `--format json` (the API document
/// itself) or `--format csv` (the per-route rows).
public enum StatusRenderer {
    public static let routeColumns = ["route", "received", "decoded", "quarantined", "readings"]

    public static func routeRecords(_ status: GatewayStatus) -> [Record] {
        status.routes.map {
            Record([
                ("route", .text($0.route)), ("received", .int(Int64($0.received))), ("decoded", .int(Int64($0.decoded))),
                ("quarantined", .int(Int64($0.quarantined))), ("readings", .int(Int64($0.readings))),
            ])
        }
    }

    public static func render(_ status: GatewayStatus, format: OutputFormat) -> String {
        switch format {
        case .json:
            (try? status.jsonText()) ?? "{}\n"
        case .csv:
            CSVRenderer.render(routeRecords(status), columns: routeColumns)
        case .table:
            table(status)
        }
    }

    static func table(_ s: GatewayStatus) -> String {
        let broker = s.broker
        var brokerLine = "\(broker.state)"
        if let since = broker.since { brokerLine += " since \(since)" }
        if let reason = broker.reason { brokerLine += " (\(reason))" }
        brokerLine += " — \(broker.url), \(broker.reconnects) reconnect\(broker.reconnects == 1 ? "" : "s")"
        let subscriptions = broker.subscriptions.map { sub in
            "\(sub.filter) \(sub.state)" + (sub.grantedQoS.map { " (QoS \($0))" } ?? "")
        }
        var uplink = s.uplink.state.replacingOccurrences(of: "_", with: " ")
        if let reason = s.uplink.reason { uplink += " — \(reason)" }
        let i = s.ingest
        let st = s.store
        var lines: [(String, String)] = [
            ("gateway", "\(s.gateway.id) \(s.gateway.version), up \(duration(s.gateway.uptimeSeconds)) (since \(s.gateway.startedAt))"),
            ("ready", s.ready ? "yes" : "NO"),
            ("broker", brokerLine),
        ]
        lines += subscriptions.map { ("", $0) }
        lines += [
            ("uplink", uplink),
            ("ingest", "\(rate(i.messagesPerSecond)) msg/s, \(rate(i.readingsPerSecond)) readings/s over the last minute"),
            ("", "\(i.messagesReceived) messages, \(i.readingsStored) readings stored, \(i.duplicatesSkipped) duplicates, "
                + "\(i.quarantined) quarantined, \(i.commitFailures) commit failures since start"),
            ("store", "\(st.readings) readings (\(st.recentReadings) not merged yet), \(st.series) series, "
                + "\(st.quarantined) quarantine records"),
            ("", "\(bytes(st.fileBytes)) + \(bytes(st.walBytes)) WAL at \(st.path)"),
            ("", "oldest reading \(st.oldestReading ?? "—"), newest \(st.newestReading ?? "—")"),
        ]
        var out = lines.map { key, value in
            TableRenderer.sanitize((key.padding(toLength: 9, withPad: " ", startingAt: 0) + value)).trimmingTrailingSpaces()
        }.joined(separator: "\n") + "\n\n"
        out += TableRenderer.render(routeRecords(s), columns: routeColumns)
        return out
    }

    static func duration(_ seconds: Double) -> String {
        let total = Int(seconds)
        let (d, h, m, sec) = (total / 86_400, total / 3600 % 24, total / 60 % 60, total % 60)
        if d > 0 { return "\(d)d \(h)h" }
        if h > 0 { return "\(h)h \(m)m" }
        if m > 0 { return "\(m)m \(sec)s" }
        return "\(sec)s"
    }

    static func rate(_ value: Double) -> String {
        let tenths = (value * 10).rounded() / 10
        return tenths == tenths.rounded() ? String(Int(tenths)) : String(tenths)
    }

    /// 1,536 → "1.5 KiB".
    public static func bytes(_ count: Int64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(count)
        var unit = 0
        while value >= 1024, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return unit == 0 ? "\(count) B" : "\(rate(value)) \(units[unit])"
    }
}
