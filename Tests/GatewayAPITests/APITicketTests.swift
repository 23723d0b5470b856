import Foundation
import GatewayCore
import GatewayQuery
import Hummingbird
import HummingbirdTesting
import Testing

@testable import GatewayAPI

/// `GET /api/v1/tickets…` and the ticket verbs, against a real store and rules stage: the fixture's
/// three critical pressure alerts opened one ticket each, at `testNow`, with `accept` due 15 min
/// later (see `testRules`).
@Suite struct APITicketTests {
    static func ticketID(_ client: some TestClientProtocol, device: String = "p-1") async throws -> String {
        try #require(try await client.get("/api/v1/tickets?device=\(device)").items.first?["id"] as? String)
    }

    @Test func theListingDefaultsToOpenTicketsAndFilters() async throws {
        let fixture = try APIFixture(rules: testRules)
        try await fixture.applicationWithTokens().test(.router) { client in
            let open = try await client.get("/api/v1/tickets")
            #expect(open.status == .ok)
            #expect(open.items.count == 3)
            #expect(open.items.first?.keys.sorted() == Record.ticketColumns.sorted())
            #expect(open.items.allSatisfy {
                $0["state"] as? String == "open" && $0["step"] as? String == "accept"
                    && $0["deadline"] as? String == RFC3339.format(testNow + 15 * 60_000) && $0["overdue"] as? String == "no"
                    && $0["rule"] as? String == "water.pressure.high"
            })
            #expect(try await client.get("/api/v1/tickets?device=p-1").items.count == 1)
            #expect(try await client.get("/api/v1/tickets?utility=water&site=north&rule=water.pressure.high").items.count == 3)
            #expect(try await client.get("/api/v1/tickets?step=accept").items.count == 3)
            #expect(try await client.get("/api/v1/tickets?step=investigate").items.isEmpty)
            #expect(try await client.get("/api/v1/tickets?state=closed").items.isEmpty)
            #expect(try await client.get("/api/v1/tickets?state=all&limit=2").items.count == 2)
            #expect(try await client.get("/api/v1/tickets?overdue=true").items.isEmpty)
            #expect(try await client.get("/api/v1/tickets?step=accepted").errorCode == "bad_parameter")
            #expect(try await client.get("/api/v1/tickets?overdue=false").status == .badRequest)
            #expect(try await client.get("/api/v1/tickets?assignee=bob").errorCode == "unknown_parameter")

            fixture.clock.set(testNow + 20 * 60_000)
            let overdue = try await client.get("/api/v1/tickets?overdue=true")
            #expect(overdue.items.count == 3)
            #expect(overdue.items.allSatisfy { $0["overdue"] as? String == "yes" })

            let csv = try await client.get("/api/v1/tickets", accept: "text/csv")
            #expect(csv.text.split(separator: "\r\n").first.map(String.init) == Record.ticketColumns.joined(separator: ","))
        }
    }

    @Test func oneTicketWithItsHistoryAndSteps() async throws {
        let fixture = try APIFixture(rules: testRules)
        try await fixture.applicationWithTokens().test(.router) { client in
            let id = try await Self.ticketID(client)
            let one = try await client.get("/api/v1/tickets/\(id)")
            #expect(one.status == .ok)
            #expect(one.json.keys.sorted() == ["history", "steps", "ticket"])
            let ticket = try #require(one.json["ticket"] as? [String: Any])
            #expect(ticket["id"] as? String == id && ticket["device"] as? String == "p-1")
            let history = try #require(one.json["history"] as? [[String: Any]])
            #expect(history.first?["kind"] as? String == "opened")
            #expect(history.first?.keys.sorted() == Record.ticketHistoryColumns.sorted())
            let steps = try #require(one.json["steps"] as? [[String: Any]])
            #expect(steps.count == 1)
            #expect(steps.first?.keys.sorted() == TicketsEndpoint.stepColumns.sorted())
            #expect(steps.first?["step"] as? String == "accept")
            #expect(steps.first?["deadline"] as? String == RFC3339.format(testNow + 15 * 60_000))
            #expect(steps.first?["done_at"] is NSNull && steps.first?["overdue"] as? String == "no")

            let missing = try await client.get("/api/v1/tickets/T999")
            #expect(missing.status == .notFound && missing.errorCode == "ticket_not_found")
        }
    }

    @Test func everyStepInOrderWithTheActorRecorded() async throws {
        let fixture = try APIFixture(rules: testRules)
        try await fixture.applicationWithTokens().test(.router) { client in
            let id = try await Self.ticketID(client)
            let early = try await client.post("/api/v1/tickets/\(id)/handle", token: bobToken)
            #expect(early.status == .conflict)
            #expect(early.errorCode == "step_out_of_order")
            #expect(early.errorMessage.contains("accept"), "\(early.errorMessage)")

            fixture.clock.set(testNow + 5 * 60_000)
            let accepted = try await client.post("/api/v1/tickets/\(id)/accept", json: #"{"note": "on it"}"#, token: bobToken)
            #expect(accepted.status == .ok)
            #expect(accepted.json["id"] as? String == id)
            #expect(accepted.json["step"] as? String == "investigate")
            #expect(accepted.json["deadline"] as? String == RFC3339.format(testNow + 5 * 60_000 + 3_600_000))
            #expect(try await client.post("/api/v1/tickets/\(id)/accept").errorCode == "step_already_done")

            #expect(try await client.post("/api/v1/tickets/\(id)/investigate", token: bobToken).json["step"] as? String == "handle")
            #expect(try await client.post("/api/v1/tickets/\(id)/handle", token: bobToken).json["step"] as? String == "feedback")
            let done = try await client.post("/api/v1/tickets/\(id)/feedback", json: #"{"note": "customer called"}"#, token: bobToken)
            #expect(done.status == .ok)
            #expect(done.json["state"] as? String == "closed")
            #expect(done.json["close_reason"] as? String == "completed")
            #expect(done.json["step"] is NSNull)

            let closed = try await client.post("/api/v1/tickets/\(id)/accept")
            #expect(closed.status == .conflict && closed.errorCode == "ticket_closed")

            let detail = try await client.get("/api/v1/tickets/\(id)")
            let steps = try #require(detail.json["steps"] as? [[String: Any]])
            #expect(steps.map { $0["step"] as? String } == ["accept", "investigate", "handle", "feedback"])
            #expect(steps.allSatisfy { $0["done_by"] as? String == "bob" && $0["overdue"] as? String == "no" })
            let history = try #require(detail.json["history"] as? [[String: Any]])
            let byBob = history.filter { $0["actor"] as? String == "bob" }
            #expect(byBob.count >= 4)
            #expect(history.contains { $0["note"] as? String == "on it" })
            #expect(try await client.get("/api/v1/tickets?state=closed").items.count == 1)
            #expect(try await client.get("/api/v1/tickets").items.count == 2)
        }
    }

    @Test func assignNoteAndCloseWithAReason() async throws {
        let fixture = try APIFixture(rules: testRules)
        try await fixture.applicationWithTokens().test(.router) { client in
            let id = try await Self.ticketID(client)
            let assigned = try await client.post("/api/v1/tickets/\(id)/assign", json: #"{"assignee": "carol"}"#)
            #expect(assigned.status == .ok && assigned.json["assignee"] as? String == "carol")
            #expect(try await client.get("/api/v1/tickets/\(id)").json["ticket"].flatMap { $0 as? [String: Any] }?["assignee"] as? String == "carol")

            let noted = try await client.post("/api/v1/tickets/\(id)/note", json: #"{"note": "valve ordered"}"#)
            #expect(noted.status == .ok)

            for (verb, body, fragment) in [
                ("assign", "{}", "needs 'assignee'"), ("note", nil, "needs 'note'"),
                ("accept", #"{"assignee": "carol"}"#, "unknown key 'assignee'"),
                ("close", #"{"reason": "completed"}"#, "false_alarm, duplicate, resolved, other"),
                ("close", #"{"reason": "bored"}"#, "is not one of"),
            ] as [(String, String?, String)] {
                let refused = try await client.post("/api/v1/tickets/\(id)/\(verb)", json: body)
                #expect(refused.status == .badRequest, "\(verb) \(body ?? "")")
                #expect(refused.errorCode == "bad_body")
                #expect(refused.errorMessage.contains(fragment), "\(refused.errorMessage)")
            }

            let closed = try await client.post(
                "/api/v1/tickets/\(id)/close", json: #"{"reason": "false_alarm", "note": "sensor fault"}"#, token: bobToken)
            #expect(closed.status == .ok)
            #expect(closed.json["state"] as? String == "closed" && closed.json["close_reason"] as? String == "false_alarm")
            #expect(closed.json["closed"] as? String == RFC3339.format(testNow))

            let history = try #require(try await client.get("/api/v1/tickets/\(id)").json["history"] as? [[String: Any]])
            let kinds = history.compactMap { $0["kind"] as? String }
            #expect(Array(kinds.suffix(3)) == ["assigned", "noted", "closed"])
            #expect(history.suffix(3).map { $0["actor"] as? String } == ["alice", "alice", "bob"])
            #expect(history.last?["note"] as? String == "sensor fault")

            let unknown = try await client.post("/api/v1/tickets/T999/accept")
            #expect(unknown.status == .notFound && unknown.errorCode == "ticket_not_found")
        }
    }

    @Test func ticketChangesNeedAToken() async throws {
        let fixture = try APIFixture(rules: testRules)
        try await fixture.application(tokens: nil).test(.router) { client in
            let id = try await Self.ticketID(client)
            let refused = try await client.post("/api/v1/tickets/\(id)/accept", token: nil)
            #expect(refused.status == .forbidden && refused.errorCode == "token_required")
            #expect(try await client.get("/api/v1/tickets?step=accept", token: nil).items.count == 3, "nothing changed")
        }
    }

    @Test func theStatusPageShowsOpenTicketsWithOverdueDeadlines() async throws {
        let fixture = try APIFixture(rules: testRules)
        try await fixture.applicationWithTokens().test(.router) { client in
            let id = try await Self.ticketID(client)
            _ = try await client.post("/api/v1/tickets/\(id)/assign", json: #"{"assignee": "carol <night shift>"}"#)
            var html = try await client.get("/").text
            #expect(html.contains("<section class=\"card\" id=\"tickets\"><h2>Open tickets <span class=\"count\">· 3</span>"))
            #expect(html.contains("<code>\(id)</code> <span class=\"muted\">water.pressure.high</span>"))
            #expect(html.contains("<code>water/north/p-1</code>"))
            #expect(html.contains("carol &lt;night shift&gt;"))
            #expect(html.contains("(in 15 min)"))
            #expect(!html.contains(" overdue</td>"))

            fixture.clock.set(testNow + 20 * 60_000)
            html = try await client.get("/").text
            #expect(html.contains("<td class=\"num hl-bad\"><time datetime=\"\(RFC3339.format(testNow + 15 * 60_000))\">"))
            #expect(html.contains(" overdue</td>"))
        }
    }
}
