import GatewayCore
import GatewayQuery

/// Renders the status page at `/`: one complete, self-contained HTML5 document (inline CSS and
/// inline SVG; no JavaScript, nothing fetched), reloaded by a `<meta http-equiv="refresh">`.
///
/// It is a pure function of ``StatusPageModel`` so that what an operator sees can be tested without
/// a server. Every text from the model is escaped (``HTML/escape(_:)``): device names, topics and
/// quarantine messages come from payloads.
///
/// Sections, in the order an operator on duty asks: is it up (header with READY / NOT READY), what
/// needs me (active alerts, open tickets with their deadlines), are its links up, is data flowing
/// (ingest, routes), is it being kept (store), what was rejected (recent quarantine), and what the
/// devices say (one card per device with a sparkline per metric).
public enum StatusPageRenderer {
    public static func render(_ model: StatusPageModel) -> String {
        let status = model.status
        let now = model.generatedAt
        let readiness = status.ready ? "READY" : "NOT READY"
        var page = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="color-scheme" content="light dark">

            """
        if model.refreshSeconds > 0 {
            page += "<meta http-equiv=\"refresh\" content=\"\(model.refreshSeconds)\">\n"
        }
        page += "<title>\(readiness) · \(HTML.escape(status.gateway.id)) · utility-gateway</title>\n"
        page += "<link rel=\"icon\" href=\"\(favicon(ready: status.ready))\">\n"
        page += "<style>\n\(StatusPageStyle.css)</style>\n</head>\n"
        page += "<body class=\"\(status.ready ? "ready" : "not-ready")\">\n"
        page += header(model)
        page += "<main>\n"
        if !status.ready { page += notReadyBanner(status) }
        page += alerts(model)
        page += tickets(model)
        page += "<div class=\"grid\">\n"
        page += links(status, now: now)
        page += ingest(status.ingest)
        page += store(status.store, now: now)
        page += "</div>\n"
        page += routes(status.routes)
        page += quarantine(model.recentQuarantine, storedTotal: status.store.quarantined, now: now)
        page += devices(model)
        page += "</main>\n"
        page += footer(model)
        page += "</body>\n</html>\n"
        return page
    }

    private static func header(_ model: StatusPageModel) -> String {
        let gateway = model.status.gateway
        let ready = model.status.ready
        return """
            <header class="top"><div class="top-inner">
            <div class="ident"><h1>\(HTML.escape(gateway.id))</h1>\
            <div class="meta">utility-gateway \(HTML.escape(gateway.version)) · \
            up \(HumanFormat.duration(seconds: gateway.uptimeSeconds)) · \
            started \(instant(gateway.startedAt, now: nil))</div></div>
            <div class="state \(ready ? "ok" : "bad")" role="status">\(ready ? "READY" : "NOT READY")</div>
            <div class="top-side"><div class="muted">Generated \(HumanFormat.utc(model.generatedAt))</div>
            <nav><a href="/api/v1/status">JSON status</a><a href="/metrics">Metrics</a></nav></div>
            </div></header>

            """
    }

    /// Says plainly that the gateway is not ready, with the reasons `/readyz` gives.
    private static func notReadyBanner(_ status: GatewayStatus) -> String {
        var banner = "<div class=\"banner\" role=\"alert\"><strong>Not ready.</strong> "
        banner += "<code>/readyz</code> answers 503: the gateway cannot serve its purpose right now."
        if !status.unreadyReasons.isEmpty {
            banner += "<ul>" + status.unreadyReasons.map { "<li>\(HTML.escape($0))</li>" }.joined() + "</ul>"
        }
        return banner + "</div>\n"
    }

    private static func footer(_ model: StatusPageModel) -> String {
        var text = "Generated \(HumanFormat.utc(model.generatedAt))"
        if model.refreshSeconds > 0 { text += " · refreshes every \(model.refreshSeconds) s" }
        text += " · <a href=\"/api/v1/status\">/api/v1/status</a> · <a href=\"/metrics\">/metrics</a>"
        return "<footer>\(text)</footer>\n"
    }

    /// A round tab icon in the readiness colour, as a data URL (nothing is fetched).
    private static func favicon(ready: Bool) -> String {
        let colour = ready ? "%231a7f37" : "%23c62330"
        return "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'%3E"
            + "%3Ccircle cx='8' cy='8' r='7' fill='\(colour)'/%3E%3C/svg%3E"
    }
}

// MARK: - Pieces shared by the sections

extension StatusPageRenderer {
    /// What a state's colour says.
    enum Tone: String {
        case ok, warn, bad, neutral
    }

    static func badge(_ text: String, _ tone: Tone) -> String {
        "<span class=\"badge \(tone.rawValue)\">\(HTML.escape(text))</span>"
    }

    /// A link state's colour: connected green, connecting amber, disconnected red, anything else
    /// (`not_configured`) grey.
    static func tone(ofLink state: String) -> Tone {
        switch state {
        case "connected": .ok
        case "connecting": .warn
        case "disconnected": .bad
        default: .neutral
        }
    }

    /// A state code as words: `not_configured` → `not configured`.
    static func label(_ state: String) -> String {
        String(state.map { $0 == "_" ? " " : $0 })
    }

    /// An RFC 3339 instant from the status document as UTC to the second, with how long ago it was
    /// when `now` is given; text that does not parse is shown as it is.
    static func instant(_ text: String?, now: EpochMillis?) -> String {
        guard let text else { return "<span class=\"muted\">never</span>" }
        guard let millis = RFC3339.parse(text) else { return HTML.escape(text) }
        var html = "<time datetime=\"\(HTML.escape(text))\">\(HumanFormat.utc(millis))</time>"
        if let now { html += " <span class=\"muted\">(\(HumanFormat.age(of: millis, now: now)))</span>" }
        return html
    }

    /// A message for an empty section, in place of an empty table.
    static func empty(_ headline: String, _ detail: String = "") -> String {
        let detail = detail.isEmpty ? "" : "<br>\(detail)"
        return "<div class=\"empty\"><strong>\(headline)</strong>\(detail)</div>\n"
    }
}
