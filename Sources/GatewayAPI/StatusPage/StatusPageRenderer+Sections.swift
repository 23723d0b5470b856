import GatewayCore
import GatewayQuery
import GatewayStore

/// The status page's sections about the gateway itself: links, ingest, store, routes, quarantine.
extension StatusPageRenderer {
    static func links(_ status: GatewayStatus, now: EpochMillis) -> String {
        let broker = status.broker
        var html = "<section class=\"card\" id=\"links\"><h2>Links</h2>\n"
        html += "<div class=\"link\"><h3>Broker \(badge(label(broker.state), tone(ofLink: broker.state)))</h3>\n"
        html += "<dl class=\"kv\"><dt>URL</dt><dd><code>\(HTML.escape(broker.url))</code></dd>"
        html += "<dt>Since</dt><dd>\(instant(broker.since, now: now))</dd>"
        if let reason = broker.reason {
            let highlight = broker.state == "connected" ? "" : " class=\"hl-\(tone(ofLink: broker.state).rawValue)\""
            html += "<dt>Reason</dt><dd\(highlight)>\(HTML.escape(reason))</dd>"
        }
        html += "<dt>Reconnects</dt><dd\(broker.reconnects > 0 ? " class=\"hl-warn\"" : "")>"
        html += "\(HumanFormat.count(broker.reconnects))</dd>"
        html += "<dt>Subscriptions</dt><dd>\(subscriptions(broker.subscriptions))</dd></dl></div>\n"

        let uplink = status.uplink
        html += "<div class=\"link\"><h3>Uplink \(badge(label(uplink.state), tone(ofLink: uplink.state)))</h3>\n"
        if uplink.state == "not_configured" {
            html += "<p class=\"muted\">Store-and-forward is not configured; readings stay on this gateway.</p>"
        } else {
            html += "<dl class=\"kv\">"
            if let url = uplink.url { html += "<dt>URL</dt><dd><code>\(HTML.escape(url))</code></dd>" }
            html += "<dt>Since</dt><dd>\(instant(uplink.since, now: now))</dd>"
            if let reason = uplink.reason { html += "<dt>Reason</dt><dd>\(HTML.escape(reason))</dd>" }
            if let backlog = uplink.backlog {
                let waiting = backlog.readings > 0 || backlog.events > 0
                html += "<dt>Backlog</dt><dd class=\"num\(waiting ? " hl-warn" : "")\">"
                html += "\(HumanFormat.count(backlog.readings)) readings (~\(HumanFormat.bytes(backlog.bytesEstimate))), "
                html += "\(HumanFormat.count(backlog.events)) events"
                if let age = backlog.oldestAgeSeconds { html += ", oldest \(HumanFormat.duration(seconds: age)) old" }
                html += "</dd>"
            }
            if let forwarded = uplink.forwarded {
                html += "<dt>Forwarded</dt><dd class=\"num\">\(HumanFormat.count(forwarded.readings)) readings, "
                html += "\(HumanFormat.count(forwarded.events)) events in \(HumanFormat.count(forwarded.messages)) messages</dd>"
            }
            html += "</dl>"
        }
        return html + "</div>\n</section>\n"
    }

    private static func subscriptions(_ subscriptions: [GatewayStatus.BrokerLink.Subscription]) -> String {
        guard !subscriptions.isEmpty else { return "<span class=\"muted\">none</span>" }
        var html = "<ul class=\"subs\">"
        for subscription in subscriptions {
            let tone: Tone =
                switch subscription.state {
                case "acknowledged": .ok
                case "pending": .warn
                case "refused": .bad
                default: .neutral
                }
            var state = subscription.state
            if let qos = subscription.grantedQoS { state += " · QoS \(qos)" }
            html += "<li><code>\(HTML.escape(subscription.filter))</code> \(badge(state, tone))</li>"
        }
        return html + "</ul>"
    }

    static func ingest(_ ingest: GatewayStatus.IngestTotals) -> String {
        var html = "<section class=\"card\" id=\"ingest\"><h2>Ingest</h2>\n<div class=\"stats\">"
        html += stat(HumanFormat.rate(ingest.messagesPerSecond), "messages/s, last minute")
        html += stat(HumanFormat.rate(ingest.readingsPerSecond), "readings/s, last minute")
        html += "</div>\n<dl class=\"kv\">"
        html += "<dt>Messages received</dt><dd class=\"num\">\(HumanFormat.count(ingest.messagesReceived))</dd>"
        html += "<dt>Readings stored</dt><dd class=\"num\">\(HumanFormat.count(ingest.readingsStored))</dd>"
        html += "<dt>Duplicates skipped</dt><dd class=\"num\">\(HumanFormat.count(ingest.duplicatesSkipped))</dd>"
        html += "<dt>Quarantined</dt><dd class=\"num\(ingest.quarantined > 0 ? " hl-warn" : "")\">"
        html += "\(HumanFormat.count(ingest.quarantined))</dd>"
        html += "<dt>Commit failures</dt><dd class=\"num\(ingest.commitFailures > 0 ? " hl-bad" : "")\">"
        html += "\(HumanFormat.count(ingest.commitFailures))</dd>"
        return html + "</dl>\n<p class=\"note\">Totals since start.</p></section>\n"
    }

    private static func stat(_ value: String, _ label: String) -> String {
        "<div class=\"stat\"><div class=\"big\">\(value)</div><div class=\"label\">\(label)</div></div>"
    }

    static func store(_ store: GatewayStatus.StoreState, now: EpochMillis) -> String {
        var html = "<section class=\"card\" id=\"store\"><h2>Store</h2>\n"
        if store.readings == 0 {
            html += empty("No readings yet.", "They appear here once the first message is decoded.")
            html += "<dl class=\"kv\">"
        } else {
            html += "<div class=\"stats\">\(stat(HumanFormat.count(store.readings), "readings stored"))</div>\n"
            html += "<dl class=\"kv\">"
            html += "<dt>Recent tier</dt><dd class=\"num\">\(HumanFormat.count(store.recentReadings))</dd>"
            html += "<dt>Series</dt><dd class=\"num\">\(HumanFormat.count(store.series))</dd>"
            html += "<dt>Oldest reading</dt><dd>\(instant(store.oldestReading, now: now))</dd>"
            html += "<dt>Newest reading</dt><dd>\(instant(store.newestReading, now: now))</dd>"
        }
        html += "<dt>Quarantined</dt><dd class=\"num\">\(HumanFormat.count(store.quarantined))</dd>"
        html += "<dt>Size</dt><dd>\(HumanFormat.bytes(store.fileBytes)) "
        html += "<span class=\"muted\">+ WAL \(HumanFormat.bytes(store.walBytes))</span></dd>"
        html += "<dt>File</dt><dd><code>\(HTML.escape(store.path))</code></dd>"
        return html + "</dl>\n</section>\n"
    }

    static func routes(_ routes: [GatewayStatus.RouteCounts]) -> String {
        var html = "<section class=\"card\" id=\"routes\"><h2>Routes</h2>\n"
        guard !routes.isEmpty else {
            return html + empty("No routes configured.") + "</section>\n"
        }
        html += "<div class=\"scroll\"><table><thead><tr><th>Route</th><th class=\"num\">Received</th>"
        html += "<th class=\"num\">Decoded</th><th class=\"num\">Quarantined</th><th class=\"num\">Readings</th>"
        html += "</tr></thead><tbody>\n"
        for route in routes {
            let name =
                route.route == "-"
                ? "<span class=\"muted\">(no route matched)</span>" : "<code>\(HTML.escape(route.route))</code>"
            html += "<tr><td>\(name)</td><td class=\"num\">\(HumanFormat.count(route.received))</td>"
            html += "<td class=\"num\">\(HumanFormat.count(route.decoded))</td>"
            html += "<td class=\"num\(route.quarantined > 0 ? " hl-warn" : "")\">"
            html += "\(HumanFormat.count(route.quarantined))</td>"
            html += "<td class=\"num\">\(HumanFormat.count(route.readings))</td></tr>\n"
        }
        return html + "</tbody></table></div>\n<p class=\"note\">Counts since start.</p></section>\n"
    }

    static func quarantine(_ records: [StoredQuarantineRecord], storedTotal: Int, now: EpochMillis) -> String {
        var html = "<section class=\"card\" id=\"quarantine\"><h2>Recent quarantine"
        if !records.isEmpty {
            html += " <span class=\"count\">· newest \(records.count) of \(HumanFormat.count(storedTotal)) kept</span>"
        }
        html += "</h2>\n"
        guard !records.isEmpty else {
            return html + empty("None.", "Every message so far became readings.") + "</section>\n"
        }
        html += "<div class=\"scroll\"><table><thead><tr><th>Time (UTC)</th><th>Topic</th><th>Route</th>"
        html += "<th>Reason</th><th>Message</th></tr></thead><tbody>\n"
        for stored in records {
            let record = stored.record
            let route = record.route.map { "<code>\(HTML.escape($0))</code>" } ?? "<span class=\"muted\">none</span>"
            html += "<tr><td class=\"num\"><time datetime=\"\(RFC3339.format(record.receivedAt))\">"
            html += "\(HumanFormat.shortUTC(record.receivedAt, now: now))</time></td>"
            html += "<td class=\"topic\"><code>\(HTML.escape(record.topic))</code></td><td>\(route)</td>"
            html += "<td>\(badge(record.reason.rawValue, .warn))</td>"
            html += "<td class=\"msg\">\(HTML.escape(record.message))"
            html += " <span class=\"muted\">(\(HumanFormat.bytes(Int64(record.payloadSize))) payload)</span></td></tr>\n"
        }
        return html + "</tbody></table></div>\n</section>\n"
    }
}
