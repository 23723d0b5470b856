import Foundation
import GatewayCore
import GatewayQuery
import GatewayStore
import Testing

@testable import GatewayAPI

/// The status page is a pure function of its model, so these tests render models and read the HTML.
@Suite struct StatusPageTests {
    @Test func headerShowsIdentityReadinessAndRefresh() {
        let page = StatusPageRenderer.render(StatusPageSample.model())
        #expect(page.hasPrefix("<!DOCTYPE html>"))
        #expect(page.hasSuffix("</html>\n"))
        #expect(page.contains("<h1>gw-north-01</h1>"))
        #expect(page.contains("utility-gateway 0.9.2"))
        #expect(page.contains("up 3 d 4 h"))
        #expect(page.contains(">READY</div>"))
        #expect(!page.contains("NOT READY"))
        #expect(page.contains("Generated 2026-11-27 08:00:00 UTC"))
        #expect(page.contains("<meta http-equiv=\"refresh\" content=\"30\">"))
        #expect(page.contains("<meta name=\"viewport\""))
        #expect(page.contains("href=\"/api/v1/status\""))
        #expect(page.contains("href=\"/metrics\""))
        #expect(page.contains("<section class=\"card\" id=\"alerts\">"))
    }

    @Test func linksShowBrokerStateReasonSubscriptionsAndUplink() {
        let page = StatusPageRenderer.render(StatusPageSample.model())
        #expect(page.contains("Broker <span class=\"badge warn\">connecting</span>"))
        #expect(page.contains("connection lost: keepalive timeout (no PINGRESP within 90 s)"))
        #expect(page.contains("<code>mqtt://broker.plant.local:1883</code>"))
        #expect(page.contains("<dt>Reconnects</dt><dd class=\"hl-warn\">3</dd>"))
        #expect(page.contains("<code>water/+/+/telemetry</code> <span class=\"badge ok\">acknowledged · QoS 1</span>"))
        #expect(page.contains("<code>gas/#</code> <span class=\"badge warn\">pending</span>"))
        #expect(page.contains("Uplink <span class=\"badge neutral\">not configured</span>"))
    }

    @Test func linkStatesHaveTheirColours() {
        #expect(StatusPageRenderer.tone(ofLink: "connected") == .ok)
        #expect(StatusPageRenderer.tone(ofLink: "connecting") == .warn)
        #expect(StatusPageRenderer.tone(ofLink: "disconnected") == .bad)
        #expect(StatusPageRenderer.tone(ofLink: "not_configured") == .neutral)
    }

    @Test func ingestShowsRatesTotalsAndHighlightsCommitFailures() {
        var model = StatusPageSample.model()
        var page = StatusPageRenderer.render(model)
        #expect(page.contains("<div class=\"big\">42.5</div><div class=\"label\">messages/s, last minute</div>"))
        #expect(page.contains("<div class=\"big\">171</div><div class=\"label\">readings/s, last minute</div>"))
        #expect(page.contains("<dd class=\"num\">10,213,585</dd>"))
        #expect(page.contains("<dt>Commit failures</dt><dd class=\"num\">0</dd>"))

        model.status.ingest.commitFailures = 2
        page = StatusPageRenderer.render(model)
        #expect(page.contains("<dt>Commit failures</dt><dd class=\"num hl-bad\">2</dd>"))
    }

    @Test func routesTableHasCountsAndHighlightsQuarantine() {
        let page = StatusPageRenderer.render(StatusPageSample.model())
        #expect(page.contains("<tr><td><code>water-json</code></td><td class=\"num\">1,204,331</td>"))
        #expect(
            page.contains("<td class=\"num\">1,204,330</td><td class=\"num\">0</td><td class=\"num\">2,408,660</td>"))
        // gas-csv quarantined some: highlighted.
        #expect(page.contains("<td class=\"num hl-warn\">4</td>"))
        #expect(page.contains("(no route matched)"))
    }

    @Test func storeShowsDepthSizesAndRange() {
        let page = StatusPageRenderer.render(StatusPageSample.model())
        #expect(page.contains("<div class=\"big\">48,211,907</div><div class=\"label\">readings stored</div>"))
        #expect(page.contains("<dt>Recent tier</dt><dd class=\"num\">18,204</dd>"))
        #expect(page.contains("<dt>Series</dt><dd class=\"num\">412</dd>"))
        #expect(page.contains("3.1 GiB <span class=\"muted\">+ WAL 12.3 MiB</span>"))
        #expect(page.contains("<time datetime=\"2026-10-28T08:00:03.000Z\">2026-10-28 08:00:03 UTC</time>"))
        #expect(page.contains("2026-11-27 07:59:58 UTC</time> <span class=\"muted\">(2 s ago)</span>"))
    }

    @Test func quarantineRowsAreEscaped() {
        let page = StatusPageRenderer.render(StatusPageSample.model())
        #expect(page.contains("newest 2 of 37 kept"))
        #expect(page.contains("<span class=\"badge warn\">wrong_type</span>"))
        #expect(page.contains("<code>gas/east/regulator-4/csv</code>"))
        #expect(page.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"))
        #expect(page.contains("07:58:41"))
    }

    @Test func noScriptAnywhereEvenFromHostileText() {
        var model = StatusPageSample.model()
        model.trends[0].device = "<script>alert(1)</script>"
        model.trends[0].metric = "\"><script>"
        model.status.broker.reason = "<script src=x>"
        model.status.routes[0].route = "<script>"
        model.deviceFilter = [(key: "site", value: "<script>")]
        let page = StatusPageRenderer.render(model)
        #expect(!page.lowercased().contains("<script"))
        #expect(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(page.contains("&quot;&gt;&lt;script&gt;"))
    }

    @Test func oneSparklinePerSeriesGroupedUnderItsDevice() throws {
        let model = StatusPageSample.model()
        let page = StatusPageRenderer.render(model)
        #expect(page.ranges(of: "<svg class=\"spark\"").count == model.trends.count)
        #expect(page.ranges(of: "<article class=\"card device").count == 6)

        // Each device card holds exactly its own series' sparklines.
        let cards = page.split(separator: "<article class=\"card device").dropFirst()
        let groups = StatusPageRenderer.deviceGroups(model.trends)
        #expect(cards.count == groups.count)
        for (card, group) in zip(cards, groups) {
            let heading = "<span>\(group.site)</span><span class=\"sep\">·</span><span>\(group.device)</span></h3>"
            #expect(card.contains(heading))
            #expect(card.ranges(of: "<svg class=\"spark\"").count == group.trends.count)
            for trend in group.trends {
                #expect(card.contains("<div class=\"name\">\(trend.metric)<span class=\"age\">"))
            }
        }
        #expect(page.contains("<span class=\"utility\">water</span>"))
        #expect(page.contains("231.4 <span class=\"unit\">V</span>"))
        #expect(page.contains("<span class=\"unit\">m³/h</span>"))
    }

    @Test func devicesNoteSaysHowManyAreShownAndTheFilter() {
        var model = StatusPageSample.model()
        var page = StatusPageRenderer.render(model)
        #expect(page.contains("Showing 6 of 14 devices"))
        #expect(!page.contains("filtered:"))

        model.devicesTotal = 6
        model.deviceFilter = [(key: "utility", value: "water"), (key: "site", value: "north")]
        page = StatusPageRenderer.render(model)
        #expect(!page.contains("Showing 6 of"))
        #expect(page.contains("filtered: <code>utility=water</code> · <code>site=north</code>"))
        #expect(page.contains("<a href=\"/\">show all devices</a>"))
    }

    @Test func emptyStoreSaysNoReadingsYet() {
        let page = StatusPageRenderer.render(StatusPageSample.emptyModel())
        #expect(page.ranges(of: "No readings yet.").count == 2)  // store and devices
        #expect(!page.contains("<svg"))
        #expect(!page.contains("<article"))
        #expect(!page.contains("Oldest reading"))
        #expect(page.contains("<strong>None.</strong>"))
        // Only the routes table remains: routes are configured even before any message arrives.
        #expect(page.ranges(of: "<table").count == 1)
        #expect(!page.contains("Showing"))
    }

    @Test func notReadyGatewayIsPlainlyNotReady() {
        var model = StatusPageSample.model()
        model.status.ready = false
        model.status.unreadyReasons = ["the broker connection is down (connection refused: not authorised)", "<b>x</b>"]
        model.status.broker.state = "disconnected"
        model.status.broker.reason = "connection refused: not authorised"
        let page = StatusPageRenderer.render(model)
        #expect(page.contains("<title>NOT READY · gw-north-01"))
        #expect(page.contains("<body class=\"not-ready\">"))
        #expect(page.contains("<div class=\"state bad\" role=\"status\">NOT READY</div>"))
        #expect(page.contains("<div class=\"banner\" role=\"alert\"><strong>Not ready.</strong>"))
        #expect(page.contains("<li>the broker connection is down (connection refused: not authorised)</li><li>&lt;b&gt;x&lt;/b&gt;</li>"))
        #expect(page.contains("Broker <span class=\"badge bad\">disconnected</span>"))
        #expect(page.contains("<dt>Reason</dt><dd class=\"hl-bad\">connection refused: not authorised</dd>"))
    }

    @Test func filterThatMatchesNothingSaysSo() {
        var model = StatusPageSample.model()
        model.trends = []
        model.devicesShown = 0
        model.devicesTotal = 0
        model.deviceFilter = [(key: "utility", value: "gas")]
        let page = StatusPageRenderer.render(model)
        #expect(page.contains("No device matches this filter."))
    }

    @Test func writesSamplePage() throws {
        // A page to look at in a browser: /tmp/status-sample.html.
        let page = StatusPageRenderer.render(StatusPageSample.model())
        try page.write(toFile: "/tmp/status-sample.html", atomically: true, encoding: .utf8)
    }
}

@Suite struct SparklineTests {
    let window: ClosedRange<EpochMillis> = 0...86_400_000
    let bucket: EpochMillis = 300_000

    func trend(_ points: [TrendPoint]) -> SeriesTrend {
        SeriesTrend(
            utility: .water, site: "north", device: "meter-1", metric: "pressure", unit: "kPa", points: points,
            latest: points.last ?? TrendPoint(timestamp: 0, value: 0))
    }

    @Test func continuousSeriesIsOneLine() {
        let points = (0..<288).map { TrendPoint(timestamp: EpochMillis($0) * bucket, value: Double($0 % 17)) }
        let svg = Sparkline.svg(trend(points), window: window)
        #expect(svg.ranges(of: "<polyline").count == 1)
        #expect(svg.contains("viewBox=\"0 0 240 40\""))
        #expect(svg.contains("class=\"spark-last\""))
        #expect(svg.contains("<title>pressure, last 24 h: min 0.000 kPa · max 16.00 kPa · latest 15.00 kPa at "))
    }

    @Test func gapsBreakTheLine() {
        // Buckets 0–99, then nothing for 2 h, then 124–200, then a one-bucket hole (kept), then 202–287.
        let indices = Array(0..<100) + Array(124...200) + Array(202..<288)
        let points = indices.map { TrendPoint(timestamp: EpochMillis($0) * bucket, value: Double($0)) }
        #expect(Sparkline.segments(points).map(\.count) == [100, 163])
        let svg = Sparkline.svg(trend(points), window: window)
        #expect(svg.ranges(of: "<polyline").count == 2)
    }

    @Test func isolatedPointIsADot() {
        let indices = [0, 1, 2, 50, 100, 101]
        let points = indices.map { TrendPoint(timestamp: EpochMillis($0) * bucket, value: Double($0)) }
        let svg = Sparkline.svg(trend(points), window: window)
        #expect(svg.ranges(of: "<polyline").count == 2)
        #expect(svg.ranges(of: "class=\"spark-pt\"").count == 1)
    }

    @Test func flatSeriesIsAFlatLineAtMidHeight() throws {
        let points = (0..<10).map { TrendPoint(timestamp: EpochMillis($0) * bucket, value: 2.5) }
        let svg = Sparkline.svg(trend(points), window: window)
        let polyline = try #require(svg.firstRange(of: "points=\"").map { svg[$0.upperBound...] })
        let coordinates = polyline.prefix { $0 != "\"" }.split(separator: " ")
        #expect(coordinates.count == 10)
        #expect(coordinates.allSatisfy { $0.hasSuffix(",20") })
        #expect(svg.contains("<title>pressure, last 24 h: min 2.500 kPa · max 2.500 kPa"))
    }

    @Test func pointsSpanTheWindowAndValuesStayInside() throws {
        let points = [
            TrendPoint(timestamp: 0, value: -5), TrendPoint(timestamp: 43_200_000, value: 100),
            TrendPoint(timestamp: 86_400_000, value: 7),
        ]
        let svg = Sparkline.svg(trend(points), window: window)
        // x: 3 + fraction × 234; y: within 4…36, highest value on top.
        #expect(svg.contains("points=\"3,"))
        #expect(svg.contains(" 120,"))
        #expect(svg.contains(" 237,"))
        let pairs = try #require(svg.firstRange(of: "points=\"").map { svg[$0.upperBound...] })
            .prefix { $0 != "\"" }.split(separator: " ")
        let ys = pairs.compactMap { Double($0.split(separator: ",")[1]) }
        #expect(ys.allSatisfy { (4...36).contains($0) })
        #expect(ys[1] < ys[0] && ys[1] < ys[2])
    }

    @Test func numbersAreCompact() {
        #expect(Sparkline.number(12.34) == "12.3")
        #expect(Sparkline.number(40) == "40")
        #expect(Sparkline.number(39.96) == "40")
        #expect(Sparkline.number(-0.01) == "0")
        #expect(Sparkline.number(0.05) == "0.1")
    }
}

@Suite struct StatusHumanFormatTests {
    @Test func escapesTextAndAttributes() {
        #expect(HTML.escape("a & b < c > d \"e\" 'f'") == "a &amp; b &lt; c &gt; d &quot;e&quot; &#39;f&#39;")
        #expect(HTML.escape("plain text · ünïcode") == "plain text · ünïcode")
        #expect(HTML.escape("bell\u{07}nul\u{00}tab\tline\n") == "bell\u{FFFD}nul\u{FFFD}tab\tline\n")
    }

    @Test func formatsCountsSizesAndValues() {
        #expect(HumanFormat.count(0) == "0")
        #expect(HumanFormat.count(999) == "999")
        #expect(HumanFormat.count(1_000) == "1,000")
        #expect(HumanFormat.count(-1_234_567) == "-1,234,567")
        #expect(HumanFormat.bytes(512) == "512 B")
        #expect(HumanFormat.bytes(12_897_484) == "12.3 MiB")
        #expect(HumanFormat.value(231.44) == "231.4")
        #expect(HumanFormat.value(12.734) == "12.73")
        #expect(HumanFormat.value(3.4212) == "3.421")
        #expect(HumanFormat.value(0.82) == "0.820")
        #expect(HumanFormat.value(0) == "0.000")
        #expect(HumanFormat.value(-0.0004) == "-0.0004")
        #expect(HumanFormat.value(-0.0) == "0.000")
        #expect(HumanFormat.value(12_345.6) == "12346")
        #expect(HumanFormat.rate(0.4213) == "0.42")
        #expect(HumanFormat.rate(1_234.4) == "1,234")
        #expect(HumanFormat.unit("degC") == "°C")
        #expect(HumanFormat.unit("1") == "")
    }

    @Test func formatsDurationsAndTimes() {
        #expect(HumanFormat.duration(seconds: 42.9) == "42 s")
        #expect(HumanFormat.duration(seconds: 725) == "12 min 5 s")
        #expect(HumanFormat.duration(seconds: 275_000) == "3 d 4 h")
        #expect(HumanFormat.age(of: 0, now: 4 * 60_000 + 59_000) == "4 min ago")
        #expect(HumanFormat.age(of: 5_000, now: 0) == "in 5 s")
        #expect(HumanFormat.utc(1_795_766_400_000) == "2026-11-27 08:00:00 UTC")
        #expect(HumanFormat.shortUTC(1_795_766_400_000 - 1_000, now: 1_795_766_400_000) == "07:59:59")
        #expect(HumanFormat.shortUTC(1_795_766_400_000 - 9 * 3_600_000, now: 1_795_766_400_000) == "11-26 23:00:00")
    }
}
