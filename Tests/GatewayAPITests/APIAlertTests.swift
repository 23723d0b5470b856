import Foundation
import GatewayCore
import GatewayQuery
import GatewayRules
import GatewayStore
import Hummingbird
import HummingbirdTesting
import Testing

@testable import GatewayAPI

/// `GET /api/v1/alerts…` and the alert actions, against a real store and a real rules stage that
/// evaluated the fixture's readings (see `testRules`): three critical pressure alerts with tickets
/// and three warning flow alerts, all `active_unack`.
@Suite struct APIAlertTests {
    /// The id of one alert, found through the listing.
    static func alertID(_ client: some TestClientProtocol, device: String = "p-1", rule: String = "water.pressure.high")
        async throws -> String
    {
        let response = try await client.get("/api/v1/alerts?device=\(device)&rule=\(rule)")
        return try #require(response.items.first?["id"] as? String)
    }

    @Test func theListingDefaultsToOpenAlertsAndFilters() async throws {
        let fixture = try APIFixture(rules: testRules)
        try await fixture.applicationWithTokens().test(.router) { client in
            let all = try await client.get("/api/v1/alerts")
            #expect(all.status == .ok)
            #expect(all.items.count == 6)
            #expect(all.items.allSatisfy { $0["state"] as? String == "active_unack" })
            #expect(all.items.first?.keys.sorted() == Record.alertColumns.sorted())
            #expect(all.json["next_cursor"] is NSNull)

            let critical = try await client.get("/api/v1/alerts?severity=critical")
            #expect(critical.items.count == 3)
            #expect(critical.items.allSatisfy { $0["rule"] as? String == "water.pressure.high" && $0["threshold"] as? Int == 110 })
            #expect(critical.items.map { $0["device"] as? String }.compactMap { $0 }.sorted() == ["p-0", "p-1", "p-2"])
            #expect(try await client.get("/api/v1/alerts?rule=water.flow.high&device=p-2").items.count == 1)
            #expect(try await client.get("/api/v1/alerts?utility=water&site=north").items.count == 6)
            #expect(try await client.get("/api/v1/alerts?site=south").items.isEmpty)
            #expect(try await client.get("/api/v1/alerts?state=cleared").items.isEmpty)
            #expect(try await client.get("/api/v1/alerts?state=all").items.count == 6)
            #expect(try await client.get("/api/v1/alerts?state=pending,active_unack").items.count == 6)
            #expect(try await client.get("/api/v1/alerts?limit=2").items.count == 2)

            // Pressure alerts began at minute 101 (18 min before now), flow alerts at minute 116.
            let recent = try await client.get("/api/v1/alerts?since=10m")
            #expect(recent.items.count == 3 && recent.items.allSatisfy { $0["rule"] as? String == "water.flow.high" })
            let older = try await client.get("/api/v1/alerts?until=10m")
            #expect(older.items.allSatisfy { $0["rule"] as? String == "water.pressure.high" })
            #expect(older.items.first?["since"] as? String == RFC3339.format(testNow - 18 * 60_000))

            let bad = try await client.get("/api/v1/alerts?state=burning")
            #expect(bad.status == .badRequest && bad.errorCode == "bad_parameter")
            #expect(bad.errorMessage.contains("active_unack"))
            #expect(try await client.get("/api/v1/alerts?severity=minor").status == .badRequest)
            #expect(try await client.get("/api/v1/alerts?sevrity=critical").errorCode == "unknown_parameter")

            let csv = try await client.get("/api/v1/alerts?severity=critical", accept: "text/csv")
            #expect(csv.headers[.contentType] == "text/csv; charset=utf-8")
            let lines = csv.text.split(separator: "\r\n")
            #expect(lines.first.map(String.init) == Record.alertColumns.joined(separator: ","))
            #expect(lines.count == 4)
        }
    }

    @Test func oneAlertItsHistoryAndUnknownIDs() async throws {
        let fixture = try APIFixture(rules: testRules)
        try await fixture.applicationWithTokens().test(.router) { client in
            let id = try await Self.alertID(client)
            let one = try await client.get("/api/v1/alerts/\(id)")
            #expect(one.status == .ok)
            #expect(one.json["id"] as? String == id)
            #expect(one.json["severity"] as? String == "critical")
            #expect(one.json["device"] as? String == "p-1")
            #expect(one.json["risk"] as? String == "high/technical")

            let history = try await client.get("/api/v1/alerts/\(id)/history")
            #expect(history.status == .ok)
            #expect(history.items.map { $0["kind"] as? String } == ["activated", "severity_changed"])
            #expect(history.items.first?.keys.sorted() == Record.alertHistoryColumns.sorted())

            for uri in ["/api/v1/alerts/A999", "/api/v1/alerts/A999/history"] {
                let missing = try await client.get(uri)
                #expect(missing.status == .notFound, "\(uri)")
                #expect(missing.errorCode == "unknown_alert")
            }
        }
    }

    @Test func acknowledgingRecordsTheTokensNameAsTheActor() async throws {
        let fixture = try APIFixture(rules: testRules)
        try await fixture.applicationWithTokens().test(.router) { client in
            let id = try await Self.alertID(client)
            let acked = try await client.post("/api/v1/alerts/\(id)/ack", json: #"{"note": "crew on the way"}"#, token: bobToken)
            #expect(acked.status == .ok)
            #expect(acked.json["id"] as? String == id)
            #expect(acked.json["state"] as? String == "active_ack")
            #expect(acked.json["acknowledged_by"] as? String == "bob")

            let history = try await client.get("/api/v1/alerts/\(id)/history")
            let last = try #require(history.items.last)
            #expect(last["kind"] as? String == "acknowledged")
            #expect(last["actor"] as? String == "bob")
            #expect(last["note"] as? String == "crew on the way")
            #expect(try await client.get("/api/v1/alerts?state=active_ack").items.count == 1)
            #expect(try await client.get("/api/v1/alerts").items.count == 6, "still open")

            let again = try await client.post("/api/v1/alerts/\(id)/ack")
            #expect(again.status == .conflict)
            #expect(again.errorMessage.contains("already acknowledged by bob"))

            let unknown = try await client.post("/api/v1/alerts/A999/ack")
            #expect(unknown.status == .notFound && unknown.errorCode == "unknown_alert")

            // No body at all is an empty one.
            let other = try await Self.alertID(client, device: "p-2", rule: "water.flow.high")
            #expect(try await client.post("/api/v1/alerts/\(other)/ack").json["acknowledged_by"] as? String == "alice")
        }
    }

    @Test func acknowledgingAnAlertThatReturnedToNormalEndsIt() async throws {
        let fixture = try APIFixture(rules: testRules)
        _ = try fixture.store.commit(IngestBatch(readings: [
            Reading(
                utility: .water, site: "north", device: "p-1", metric: "pressure", value: 50, unit: "kPa",
                timestamp: testNow + 60_000, receivedAt: testNow + 60_000, quality: [], topic: "w/north/p-1")
        ]))
        try #require(fixture.rules).catchUp()
        try await fixture.applicationWithTokens().test(.router) { client in
            let id = try await Self.alertID(client)
            #expect(try await client.get("/api/v1/alerts/\(id)").json["state"] as? String == "cleared_unack")
            let acked = try await client.post("/api/v1/alerts/\(id)/ack")
            #expect(acked.status == .ok)
            #expect(acked.json["state"] as? String == "cleared")
            #expect(acked.json["acknowledged_by"] as? String == "alice")
            #expect(try await client.get("/api/v1/alerts?device=p-1").items.count == 1, "only the flow alert is open")
            #expect(try await client.get("/api/v1/alerts?state=cleared").items.map { $0["id"] as? String } == [id])
            let again = try await client.post("/api/v1/alerts/\(id)/ack")
            #expect(again.status == .conflict && again.errorCode == "alert_closed")
        }
    }

    @Test func shelvingForAndUntilThenUnshelving() async throws {
        let fixture = try APIFixture(rules: testRules)
        try await fixture.applicationWithTokens().test(.router) { client in
            let id = try await Self.alertID(client)
            let shelved = try await client.post("/api/v1/alerts/\(id)/shelve", json: #"{"for": "2h", "note": "known"}"#)
            #expect(shelved.status == .ok)
            #expect(shelved.json["flags"] as? String == "shelved until \(RFC3339.format(testNow + 7_200_000))")

            let until = RFC3339.format(testNow + 3 * 3_600_000)
            let moved = try await client.post("/api/v1/alerts/\(id)/shelve", json: #"{"until": "\#(until)"}"#)
            #expect(moved.status == .ok)
            #expect(moved.json["flags"] as? String == "shelved until \(until)")

            let unshelved = try await client.post("/api/v1/alerts/\(id)/unshelve", json: #"{"note": "back"}"#)
            #expect(unshelved.status == .ok)
            #expect(unshelved.json["flags"] as? String == "")

            let kinds = try await client.get("/api/v1/alerts/\(id)/history").items.map { $0["kind"] as? String }
            #expect(kinds.suffix(3) == ["shelved", "shelved", "unshelved"])
            #expect(try await client.get("/api/v1/alerts/\(id)/history").items.last?["actor"] as? String == "alice")

            for (body, fragment) in [
                ("{}", "needs 'for' or 'until'"), (#"{"note": "x"}"#, "needs 'for' or 'until'"),
                (#"{"for": "2h", "until": "\#(until)"}"#, "not both"), (#"{"for": "soon"}"#, "is not a duration"),
                (#"{"until": "tomorrow"}"#, "RFC 3339"),
            ] {
                let refused = try await client.post("/api/v1/alerts/\(id)/shelve", json: body)
                #expect(refused.status == .badRequest, "\(body)")
                #expect(refused.errorCode == "bad_body")
                #expect(refused.errorMessage.contains(fragment), "\(refused.errorMessage)")
            }
            let past = try await client.post(
                "/api/v1/alerts/\(id)/shelve", json: #"{"until": "\#(RFC3339.format(testNow - 1000))"}"#)
            #expect(past.status == .badRequest && past.errorCode == "expiry_not_in_future")
        }
    }

    @Test func bodiesAreReadStrictly() async throws {
        let fixture = try APIFixture(rules: testRules)
        try await fixture.applicationWithTokens().test(.router) { client in
            let id = try await Self.alertID(client)
            let unknownKey = try await client.post("/api/v1/alerts/\(id)/ack", json: #"{"note": "x", "notes": "y"}"#)
            #expect(unknownKey.status == .badRequest && unknownKey.errorCode == "bad_body")
            #expect(unknownKey.errorMessage.contains("unknown key 'notes' (did you mean 'note'?)"))
            let notJSON = try await client.post("/api/v1/alerts/\(id)/ack", json: "note=x")
            #expect(notJSON.status == .badRequest && notJSON.errorMessage.contains("not a JSON object"))
            let number = try await client.post("/api/v1/alerts/\(id)/shelve", json: #"{"for": 7200}"#)
            #expect(number.status == .badRequest && number.errorMessage.contains("'for' must be a string"))
            let huge = try await client.post(
                "/api/v1/alerts/\(id)/ack", json: #"{"note": "\#(String(repeating: "x", count: 20_000))"}"#)
            #expect(huge.status == .contentTooLarge && huge.errorCode == "body_too_large")
            #expect(try await client.get("/api/v1/alerts/\(id)").json["state"] as? String == "active_unack", "nothing changed")
        }
    }

    @Test func changesNeedATokenAndARulesStage() async throws {
        let withRules = try APIFixture(rules: testRules)
        try await withRules.application(tokens: nil).test(.router) { client in
            let listed = try await client.get("/api/v1/alerts", token: nil)
            #expect(listed.status == .ok, "reads need no token without a token file")
            let id = try #require(listed.items.first?["id"] as? String)
            let refused = try await client.post("/api/v1/alerts/\(id)/ack", token: nil)
            #expect(refused.status == .forbidden && refused.errorCode == "token_required")
        }
        let withoutRules = try APIFixture()
        try await withoutRules.applicationWithTokens().test(.router) { client in
            #expect(try await client.get("/api/v1/alerts").items.isEmpty)
            let unavailable = try await client.post("/api/v1/alerts/A1/ack")
            #expect(unavailable.status == .serviceUnavailable && unavailable.errorCode == "rules_unavailable")
        }
    }

    @Test func devicesGoOutOfServiceAndBack() async throws {
        let fixture = try APIFixture(rules: testRules)
        try await fixture.applicationWithTokens().test(.router) { client in
            let listed = try await client.get("/api/v1/devices")
            #expect(listed.status == .ok)
            #expect(listed.items.map { $0["device"] as? String } == ["p-0", "p-1", "p-2"])
            #expect(listed.items.allSatisfy { $0["out_of_service"] as? String == "no" && $0["until"] is NSNull })
            #expect(listed.items.first?.keys.sorted() == DevicesEndpoint.columns.sorted())

            let out = try await client.post(
                "/api/v1/devices/p-1/out-of-service", json: #"{"for": "8h", "note": "pump swap"}"#, token: bobToken)
            #expect(out.status == .ok)
            #expect(out.json["site"] as? String == "north" && out.json["utility"] as? String == "water")
            #expect(out.json["out_of_service"] as? String == "yes")
            #expect(out.json["until"] as? String == RFC3339.format(testNow + 8 * 3_600_000))
            let outNow = try await client.get("/api/v1/devices?out_of_service=true")
            #expect(outNow.items.map { $0["device"] as? String } == ["p-1"])
            #expect(try await client.get("/api/v1/devices?out_of_service=false").items.count == 2)

            let alert = try await Self.alertID(client)
            #expect((try await client.get("/api/v1/alerts/\(alert)").json["flags"] as? String)?.contains("out_of_service") == true)
            let last = try #require(try await client.get("/api/v1/alerts/\(alert)/history").items.last)
            #expect(last["kind"] as? String == "out_of_service" && last["actor"] as? String == "bob")
            #expect(last["note"] as? String == "pump swap")

            let back = try await client.post("/api/v1/devices/p-1/in-service", json: #"{"note": "done"}"#)
            #expect(back.status == .ok)
            #expect(back.json["out_of_service"] as? String == "no")
            let again = try await client.post("/api/v1/devices/p-1/in-service")
            #expect(again.status == .conflict && again.errorCode == "device_in_service")

            let unknown = try await client.post("/api/v1/devices/p-9/out-of-service")
            #expect(unknown.status == .notFound && unknown.errorCode == "unknown_device")
            let badKey = try await client.post("/api/v1/devices/p-1/out-of-service", json: #"{"sites": "north"}"#)
            #expect(badKey.status == .badRequest && badKey.errorCode == "bad_body")
        }
    }

    @Test func aDeviceAtTwoSitesNeedsItsSite() async throws {
        let fixture = try APIFixture(rules: testRules)
        _ = try fixture.store.commit(IngestBatch(readings: [
            Reading(
                utility: .water, site: "south", device: "p-0", metric: "pressure", value: 1, unit: "kPa",
                timestamp: testNow, receivedAt: testNow, quality: [], topic: "w/south/p-0")
        ]))
        try await fixture.applicationWithTokens().test(.router) { client in
            let ambiguous = try await client.post("/api/v1/devices/p-0/out-of-service")
            #expect(ambiguous.status == .badRequest && ambiguous.errorCode == "site_required")
            #expect(ambiguous.errorMessage.contains("north, south"))
            let south = try await client.post("/api/v1/devices/p-0/out-of-service", json: #"{"site": "south"}"#)
            #expect(south.status == .ok && south.json["site"] as? String == "south" && south.json["until"] is NSNull)
            // Back in service without a site: p-0 is out of service at one site only.
            let back = try await client.post("/api/v1/devices/p-0/in-service")
            #expect(back.status == .ok && back.json["site"] as? String == "south")
        }
    }

    @Test func aDeviceIDInThePathIsPercentDecoded() async throws {
        let fixture = try APIFixture(rules: testRules)
        _ = try fixture.store.commit(IngestBatch(readings: [
            Reading(
                utility: .gas, site: "east", device: "pump 7/b", metric: "pressure", value: 2, unit: "kPa",
                timestamp: testNow, receivedAt: testNow, quality: [], topic: "g/east/pump7b")
        ]))
        try await fixture.applicationWithTokens().test(.router) { client in
            let out = try await client.post("/api/v1/devices/pump%207%2Fb/out-of-service", json: #"{"until": "2026-11-28T06:00:00Z"}"#)
            #expect(out.status == .ok)
            #expect(out.json["device"] as? String == "pump 7/b" && out.json["site"] as? String == "east")
            #expect(out.json["utility"] as? String == "gas" && out.json["until"] as? String == "2026-11-28T06:00:00.000Z")
            let listed = try await client.get("/api/v1/devices?utility=gas")
            #expect(listed.items.first?["out_of_service"] as? String == "yes")
        }
    }

    @Test func theStatusPageShowsTheActiveAlerts() async throws {
        let fixture = try APIFixture(rules: testRules)
        try await fixture.applicationWithTokens().test(.router) { client in
            let id = try await Self.alertID(client)
            let page = try await client.get("/")
            #expect(page.status == .ok)
            let html = page.text
            #expect(html.contains("<section class=\"card\" id=\"alerts\"><h2>Active alerts <span class=\"count\">· 6</span>"))
            #expect(html.contains("<code>\(id)</code> <span class=\"muted\">water.pressure.high</span>"))
            #expect(html.contains("<span class=\"badge bad\">active unack</span>"))
            #expect(html.contains("<code>water/north/p-1</code>"))
            // Most severe first: the three critical alerts come before the warnings.
            let critical = try #require(html.range(of: "<span class=\"badge bad\">critical</span>"))
            let warning = try #require(html.range(of: "<span class=\"badge warn\">warning</span>"))
            #expect(critical.lowerBound < warning.lowerBound)
        }
    }

    @Test func theAlertsSectionSaysHowManyItDoesNotShowAndEscapes() {
        var model = StatusPageSample.model()
        #expect(StatusPageRenderer.render(model).contains("No active alerts."))
        model.activeAlerts = [
            AlertEvent(
                alertID: "A7", ruleID: "water.<b>", utility: .water, site: "north", device: "p-<1>", metric: "pressure",
                kind: .activated, previousState: nil, state: .activeUnack, severity: .critical, value: 112,
                threshold: 110, time: StatusPageSample.now, since: StatusPageSample.now - 60_000, actor: nil, note: nil,
                riskLevel: .high, riskCategory: .technical, safety: true, ticket: true, shelved: false,
                shelvedUntil: nil, suppressed: false, outOfService: false, duringFlood: false, acknowledgedBy: nil,
                acknowledgedAt: nil)
        ]
        model.openAlertsTotal = 25
        let page = StatusPageRenderer.render(model)
        #expect(page.contains("24 more alerts not shown"))
        #expect(page.contains("water.&lt;b&gt;") && page.contains("p-&lt;1&gt;"))
        #expect(!page.contains("p-<1>"))
        #expect(page.contains("<span class=\"badge neutral\">safety</span>"))
        #expect(page.contains("<td class=\"num\">112.0</td>") || page.contains("<td class=\"num\">112</td>"))
    }
}
