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
        if let since = s.uplink.since { uplink += " since \(since)" }
        if let url = s.uplink.url { uplink += " — \(url)" }
        if let reason = s.uplink.reason { uplink += s.uplink.url == nil ? " — \(reason)" : " (\(reason))" }
        var uplinkLines: [(String, String)] = [("uplink", uplink)]
        if let backlog = s.uplink.backlog {
            uplinkLines.append((
                "", "backlog \(backlog.readings) readings (~\(HumanFormat.bytes(backlog.bytesEstimate))), \(backlog.events) events"
                    + (backlog.oldestAgeSeconds.map { ", oldest \(HumanFormat.duration(seconds: $0)) old" } ?? "")))
        }
        if let f = s.uplink.forwarded {
            uplinkLines.append((
                "", "forwarded \(f.readings) readings, \(f.events) events in \(f.messages) messages since start"
                    + (f.lastAcknowledged.map { ", last acknowledged \($0)" } ?? "")))
        }
        let i = s.ingest
        let st = s.store
        var lines: [(String, String)] = [
            ("gateway", "\(s.gateway.id) \(s.gateway.version), up \(HumanFormat.duration(seconds: s.gateway.uptimeSeconds)) (since \(s.gateway.startedAt))"),
            ("ready", s.ready ? "yes" : "NO — " + s.unreadyReasons.joined(separator: "; ")),
            ("broker", brokerLine),
        ]
        lines += subscriptions.map { ("", $0) }
        lines += uplinkLines
        lines += [
            ("ingest", "\(HumanFormat.rate(i.messagesPerSecond)) msg/s, \(HumanFormat.rate(i.readingsPerSecond)) readings/s over the last minute"),
            ("", "\(i.messagesReceived) messages, \(i.readingsStored) readings stored, \(i.duplicatesSkipped) duplicates, "
                + "\(i.quarantined) quarantined, \(i.commitFailures) commit failures since start"),
            ("store", "\(st.readings) readings (\(st.recentReadings) not merged yet), \(st.series) series, "
                + "\(st.quarantined) quarantine records"),
            ("", "\(HumanFormat.bytes(st.fileBytes)) + \(HumanFormat.bytes(st.walBytes)) WAL at \(st.path)"),
            ("", "oldest reading \(st.oldestReading ?? "—"), newest \(st.newestReading ?? "—")"),
        ]
        if let b = s.buffer {
            lines.append((
                "buffer", "\(HumanFormat.bytes(b.usedBytes)) used of \(HumanFormat.bytes(b.maxBytes))"
                    + (b.full ? " — FULL" : "") + ", when full: \(b.whenFull.replacingOccurrences(of: "_", with: " "))"))
            lines.append((
                "", "\(b.dropped) readings dropped (\(b.droppedUnforwarded) never forwarded), "
                    + "\(b.retentionDeleted) deleted by retention"))
            if b.ingestPaused || b.pauses > 0 || b.diskFull || b.diskFullEpisodes > 0 || b.brokerDroppedMessages != nil {
                lines.append((
                    "", "ingest \(b.ingestPaused ? "PAUSED" : "running") (\(b.pauses) pauses), disk \(b.diskFull ? "FULL" : "ok") "
                        + "(full \(b.diskFullEpisodes) times)"
                        + (b.brokerDroppedMessages.map { ", broker dropped \($0) messages" } ?? "")))
            }
            if b.retentionHeldBackSeconds > 60 {
                lines.append(("", "retention held back \(b.retentionHeldBackSeconds) s: the wall clock jumped ahead"))
            }
        }
        lines += webhookLines(s)
        var out = lines.map { key, value in
            TableRenderer.sanitize((key.padding(toLength: 9, withPad: " ", startingAt: 0) + value)).trimmingTrailingSpaces()
        }.joined(separator: "\n") + "\n\n"
        out += TableRenderer.render(routeRecords(s), columns: routeColumns)
        return out
    }
}
