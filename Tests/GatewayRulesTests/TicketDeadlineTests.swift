import GatewayCore
import Testing

@testable import GatewayRules

private typealias F = TicketFixture

@Suite struct TicketOverdueTests {
    @Test func aStepPastItsDeadlineIsReportedOnceAndEscalates() throws {
        var book = F.book()
        let t0 = F.at("2026-11-25T08:00:00Z")
        F.alert(&book, id: "A1", at: t0)
        #expect(book.nextDeadline == t0 + 15 * F.minute)
        #expect(book.checkDeadlines(now: t0 + 15 * F.minute).isEmpty)  // due at, not past

        let late = book.checkDeadlines(now: t0 + 15 * F.minute + 1)
        #expect(late.map(\.kind) == [.overdue, .escalated])
        #expect(late[0].step == .accept)
        #expect(late[0].deadline == t0 + 15 * F.minute)
        #expect(late[0].site == "north")
        #expect(late[0].device == "pt-1")
        #expect(late[1].escalationLevel == 1)
        #expect(book.checkDeadlines(now: t0 + 2 * F.hour).isEmpty)
        #expect(book.nextDeadline == nil)
        #expect(book.ticket("T1")?.steps.last?.overdue == true)

        // The next step gets its own deadline and can be late in its turn.
        _ = try book.accept("T1", actor: "ann", at: t0 + F.hour)
        #expect(book.checkDeadlines(now: t0 + 20 * F.hour).isEmpty)
        let lateAgain = book.checkDeadlines(now: t0 + 26 * F.hour)
        #expect(lateAgain.map(\.kind) == [.overdue, .escalated])
        #expect(lateAgain[0].step == .investigate)
        #expect(lateAgain[1].escalationLevel == 2)
        #expect(book.ticket("T1")?.escalationLevel == 2)
    }

    @Test func closedTicketsAreNeverOverdueAndTicketsComeInIdOrder() throws {
        var book = F.book()
        let t0 = F.at("2026-11-25T08:00:00Z")
        F.alert(&book, device: "a", id: "A1", at: t0)
        F.alert(&book, device: "b", id: "A2", at: t0)
        F.alert(&book, device: "c", id: "A3", at: t0)
        _ = try book.close("T2", reason: .resolved, actor: "ann", at: t0 + 1)
        let events = book.checkDeadlines(now: t0 + F.hour)
        #expect(events.map(\.ticketID) == ["T1", "T1", "T3", "T3"])
    }

    @Test func overdueIsQueryable() throws {
        var book = F.book()
        let t0 = F.at("2026-11-25T08:00:00Z")
        F.alert(&book, device: "a", id: "A1", at: t0)
        F.alert(&book, utility: .power, device: "b", id: "A2", policy: TicketPolicy(), at: t0 + 30 * F.minute)
        F.alert(&book, site: "south", device: "c", id: "A3", at: t0)
        _ = try book.accept("T3", actor: "ann", at: t0 + F.minute)
        _ = try book.close("T3", reason: .other, actor: "ann", at: t0 + 2 * F.minute)
        let now = t0 + 20 * F.minute
        #expect(book.tickets(matching: TicketFilter(overdue: true), now: now).map(\.id) == ["T1"])
        #expect(book.tickets(matching: TicketFilter(overdue: false), now: now).map(\.id) == ["T2", "T3"])
        #expect(book.tickets(matching: TicketFilter(status: .open), now: now).map(\.id) == ["T1", "T2"])
        #expect(book.tickets(matching: TicketFilter(status: .closed), now: now).map(\.id) == ["T3"])
        #expect(book.tickets(matching: TicketFilter(step: .investigate), now: now).map(\.id) == ["T3"])
        #expect(book.tickets(matching: TicketFilter(utility: .power), now: now).map(\.id) == ["T2"])
        #expect(book.tickets(matching: TicketFilter(site: "north", device: "a"), now: now).map(\.id) == ["T1"])
        #expect(book.tickets(matching: TicketFilter(ruleID: "nope"), now: now).isEmpty)
    }
}

@Suite struct TicketDefaultsTableTests {
    @Test func everyUtilitySeverityAndStepHasExactlyOneSourcedDefault() {
        let table = TicketDeadlineDefaults.standard
        for utility in Utility.allCases {
            for severity in Severity.allCases {
                for step in TicketStep.allCases {
                    let cells = table.entries.filter { $0.utility == utility && $0.severity == severity && $0.step == step }
                    #expect(cells.count == 1, "\(utility) \(severity) \(step)")
                    #expect(cells.first.map { !$0.source.isEmpty } == true)
                }
            }
        }
        #expect(table.entries.count == Utility.allCases.count * Severity.allCases.count * TicketStep.allCases.count)
    }

    @Test func publishedCommitmentsAreTheShippedValues() {
        let table = TicketDeadlineDefaults.standard
        #expect(table.span(utility: .power, severity: .critical, step: .accept) == .duration(millis: 45 * F.minute))
        #expect(table.span(utility: .water, severity: .critical, step: .accept) == .duration(millis: 45 * F.minute))
        #expect(table.span(utility: .water, severity: .critical, step: .handle) == .duration(millis: 24 * F.hour))
        #expect(table.span(utility: .gas, severity: .critical, step: .accept) == .duration(millis: F.hour))
        #expect(table.span(utility: .power, severity: .warning, step: .handle) == .workingDays(7))
        // Power: investigate + handle = the 3 h restoration commitment after arrival.
        if case .duration(let investigate) = table.span(utility: .power, severity: .critical, step: .investigate),
            case .duration(let handle) = table.span(utility: .power, severity: .critical, step: .handle)
        {
            #expect(investigate + handle == 3 * F.hour)
        } else {
            Issue.record("power critical investigate and handle should be durations")
        }
    }

    @Test func aCustomTableFallsBackToTheComplaintProcedure() {
        let table = TicketDeadlineDefaults(entries: [])
        #expect(table.span(utility: .gas, severity: .critical, step: .accept) == .workingDays(1))
        #expect(table.span(utility: .gas, severity: .critical, step: .investigate) == .duration(millis: 24 * F.hour))
        #expect(table.entry(utility: .gas, severity: .critical, step: .feedback).basis == .handbook)
    }
}
