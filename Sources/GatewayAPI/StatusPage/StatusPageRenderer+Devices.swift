import GatewayCore
import GatewayQuery
import GatewayStore

/// The status page's device cards: one per device (utility · site · device), one row per metric
/// with its latest value and a sparkline over the common window.
extension StatusPageRenderer {
    /// The series of one device, in the order the model lists them.
    struct DeviceGroup {
        var utility: Utility
        var site: String
        var device: String
        var trends: [SeriesTrend]
    }

    /// Groups `trends` per device, keeping the model's order (utility, site, device, metric) and
    /// tolerating a list that is not sorted.
    static func deviceGroups(_ trends: [SeriesTrend]) -> [DeviceGroup] {
        struct Key: Hashable {
            var utility: Utility
            var site: String
            var device: String
        }
        var groups: [DeviceGroup] = []
        var index: [Key: Int] = [:]
        for trend in trends {
            let key = Key(utility: trend.utility, site: trend.site, device: trend.device)
            if let position = index[key] {
                groups[position].trends.append(trend)
            } else {
                index[key] = groups.count
                groups.append(
                    DeviceGroup(utility: trend.utility, site: trend.site, device: trend.device, trends: [trend]))
            }
        }
        return groups
    }

    static func devices(_ model: StatusPageModel) -> String {
        let groups = deviceGroups(model.trends)
        var html = "<section id=\"devices\"><h2>Devices"
        if !groups.isEmpty { html += " <span class=\"count\">· last 24 h</span>" }
        html += "</h2>\n"
        if !model.deviceFilter.isEmpty {
            let terms = model.deviceFilter.map { "<code>\(HTML.escape($0.key))=\(HTML.escape($0.value))</code>" }
            html += "<p class=\"note\">filtered: \(terms.joined(separator: " · "))"
            html += " · <a href=\"/\">show all devices</a></p>\n"
        }
        if model.devicesShown < model.devicesTotal {
            html += "<p class=\"note\">Showing \(HumanFormat.count(model.devicesShown)) of "
            html += "\(HumanFormat.count(model.devicesTotal)) devices; narrow the list with a filter such as "
            html += "<a href=\"/?utility=water\"><code>/?utility=water</code></a>.</p>\n"
        }
        guard !groups.isEmpty else {
            if model.status.store.readings == 0 {
                html += "<div class=\"card\">"
                html += empty("No readings yet.", "Each device gets a card here once its first reading is stored.")
            } else if !model.deviceFilter.isEmpty {
                html += "<div class=\"card\">"
                html += empty("No device matches this filter.", "<a href=\"/\">Show all devices</a>")
            } else {
                html += "<div class=\"card\">" + empty("No readings in the last 24 hours.")
            }
            return html + "</div>\n</section>\n"
        }
        html += "<div class=\"devices\">\n"
        for group in groups {
            html += card(group, window: model.trendWindow, now: model.generatedAt)
        }
        return html + "</div>\n</section>\n"
    }

    private static func card(_ group: DeviceGroup, window: ClosedRange<EpochMillis>, now: EpochMillis) -> String {
        let utility = group.utility.rawValue
        var html = "<article class=\"card device u-\(utility)\"><h3><span class=\"utility\">\(utility)</span>"
        html += "<span class=\"sep\">·</span><span>\(HTML.escape(group.site))</span>"
        html += "<span class=\"sep\">·</span><span>\(HTML.escape(group.device))</span></h3>\n"
        for trend in group.trends {
            let unit = HumanFormat.unit(trend.unit)
            html += "<div class=\"metric\"><div class=\"name\">\(HTML.escape(trend.metric))"
            html += "<span class=\"age\">\(HumanFormat.age(of: trend.latest.timestamp, now: now))</span></div>"
            html += "<div class=\"value\">\(HumanFormat.value(trend.latest.value))"
            if !unit.isEmpty { html += " <span class=\"unit\">\(HTML.escape(unit))</span>" }
            html += "</div><div class=\"chart\">\(Sparkline.svg(trend, window: window))</div></div>\n"
        }
        return html + "</article>\n"
    }
}
