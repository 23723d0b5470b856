import Foundation
import GatewayCore
import Testing

@testable import GatewayRules

private typealias F = TicketFixture

@Suite struct TicketHistoryTests {
    @Test func historyIsAppendOnlyAndEqualsTheEventsReturned() throws {
        var book = F.book()
        let t0 = F.at("2026-11-25T08:00:00Z")
        var expected: [TicketEvent] = []
        func record(_ events: [TicketEvent]) throws {
            expected += events
            let history = try #require(book.ticket("T1")).history
            #expect(history == expected)
        }
        try record(F.alert(&book, id: "A1", at: t0))
        try record(F.alert(&book, id: "A2", at: t0 + 1))
        try record(book.assign("T1", to: "crew-7", actor: "ann", at: t0 + 2))
        try record(book.checkDeadlines(now: t0 + F.hour))
        try record(book.accept("T1", actor: "crew-7", note: "on site", at: t0 + 2 * F.hour))
        _ = F.refusal { try book.handle("T1", actor: "crew-7", at: t0 + 3 * F.hour) }  // refused: nothing appended
        try record([])
        try record(book.note("T1", "leak found at joint", actor: "crew-7", at: t0 + 4 * F.hour))
        try record(book.investigate("T1", actor: "crew-7", at: t0 + 5 * F.hour))
        try record(book.close("T1", reason: .resolved, actor: "ann", at: t0 + 6 * F.hour))
        try record(book.note("T1", "customer satisfied", actor: "ann", at: t0 + 7 * F.hour))
        #expect(expected.map(\.kind) == [
            .opened, .alertLinked, .assigned, .overdue, .escalated, .stepDone, .noted, .stepDone, .closed, .noted,
        ])
        #expect(expected.map(\.at) == expected.map(\.at).sorted())
    }
}

@Suite struct TicketCodableTests {
    /// The same actions applied to a book and to its decoded copy.
    private static func continueWalk(_ book: inout TicketBook, from t0: EpochMillis) throws -> [TicketEvent] {
        var events: [TicketEvent] = []
        events += F.alert(&book, id: "A3", at: t0 + 30 * F.hour)
        events += book.checkDeadlines(now: t0 + 30 * F.hour)
        events += try book.investigate("T1", actor: "bob", at: t0 + 31 * F.hour)
        events += book.checkDeadlines(now: t0 + 400 * F.hour)
        events += try book.handle("T1", actor: "bob", at: t0 + 401 * F.hour)
        events += try book.feedback("T1", actor: "ann", at: t0 + 402 * F.hour)
        events += F.alert(&book, id: "A4", at: t0 + 403 * F.hour)
        events += F.alert(&book, device: "pt-2", id: "A5", flooding: true, at: t0 + 403 * F.hour)
        events += F.alert(&book, id: "A1", at: t0 + 404 * F.hour)  // already linked before encoding
        return events
    }

    @Test func aRoundTripMidWalkGivesIdenticalSubsequentBehaviour() throws {
        var book = F.book()
        let t0 = F.at("2026-11-25T08:00:00Z")
        F.alert(&book, id: "A1", at: t0)
        F.alert(&book, id: "A2", at: t0 + F.minute)
        _ = try book.assign("T1", to: "crew-7", actor: "ann", at: t0 + 2 * F.minute)
        _ = book.checkDeadlines(now: t0 + F.hour)
        _ = try book.accept("T1", actor: "crew-7", at: t0 + 2 * F.hour)
        F.alert(&book, rule: "water.turbidity", id: "B1", policy: TicketPolicy(steps: [.accept: .workingDays(3)]), at: t0)

        let data = try JSONEncoder().encode(book.state)
        let state = try JSONDecoder().decode(TicketBook.State.self, from: data)
        #expect(state == book.state)
        var restored = TicketBook(state: state, calendar: WorkingDayCalendar(WorkCalendar()))

        let original = try Self.continueWalk(&book, from: t0)
        let replayed = try Self.continueWalk(&restored, from: t0)
        #expect(replayed == original)
        #expect(restored.state == book.state)
        #expect(original.map { "\($0.ticketID) \($0.kind.rawValue)" } == [
            "T1 alert_linked", "T1 overdue", "T1 escalated", "T1 step_done", "T1 overdue", "T1 escalated",
            "T2 overdue", "T2 escalated", "T1 step_done", "T1 step_done", "T1 closed", "T3 opened", "T4 opened",
        ])
        #expect(restored.ticket("T1")?.escalationLevel == 3)
        #expect(restored.ticket("T4")?.isFlood == true)
        // The rule's own spans survived: T2's accept was 3 working days.
        #expect(restored.ticket("T2")?.currentDeadline == F.at("2026-11-30T08:00:00Z"))
    }

    @Test func theEncodingUsesSnakeCaseKeysAndRawValues() throws {
        var book = F.book()
        let t0 = F.at("2026-11-25T08:00:00Z")
        F.alert(&book, id: "A1", at: t0)
        F.alert(&book, id: "A2", at: t0)
        _ = try book.close("T1", reason: .falseAlarm, actor: "ann", at: t0 + 1)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = try #require(String(data: try encoder.encode(book.state), encoding: .utf8))
        for fragment in [
            "\"next_number\":2", "\"rule_id\":\"water.pressure.low\"", "\"kind\":\"alert_linked\"",
            "\"close_reason\":\"false_alarm\"", "\"status\":\"closed\"", "\"ticket_id\":\"T1\"", "\"alert_id\":\"A2\"",
            "\"step_spans\"", "\"started_at\"", "\"escalation_level\":0", "\"risk_level\":\"high\"",
        ] {
            #expect(json.contains(fragment), "\(fragment)")
        }
        let event = try #require(book.ticket("T1")?.history.last)
        let eventJSON = try #require(String(data: try encoder.encode(event), encoding: .utf8))
        #expect(eventJSON.contains("\"kind\":\"closed\""))
        #expect(eventJSON.contains("\"step\":\"accept\""))
        #expect(!eventJSON.contains("deadline"))  // absent fields are omitted
    }

    @Test func removingClosedTicketsKeepsNumbering() throws {
        var book = F.book()
        let t0 = F.at("2026-11-25T08:00:00Z")
        F.alert(&book, id: "A1", at: t0)
        F.alert(&book, device: "pt-2", id: "A2", at: t0)
        _ = try book.close("T1", reason: .resolved, actor: "ann", at: t0 + 1)
        #expect(book.removeClosed(closedBefore: t0).isEmpty)
        #expect(book.removeClosed(closedBefore: t0 + 2).map(\.id) == ["T1"])
        #expect(book.ticket("T1") == nil)
        #expect(book.ticket("T2")?.isOpen == true)
        #expect(F.alert(&book, device: "pt-2", id: "A3", at: t0 + 3)[0].ticketID == "T2")
        #expect(F.alert(&book, id: "A4", at: t0 + 3)[0].ticketID == "T3")
    }
}
