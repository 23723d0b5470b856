import GatewayCore
import Testing

@testable import GatewayRules

private typealias F = TicketFixture

@Suite struct TicketFloodTests {
    @Test func newTicketsAtAFloodingSiteAreGatheredIntoOneFloodTicket() throws {
        var book = F.book()
        let t0 = F.at("2026-11-25T08:00:00Z")
        let first = F.alert(&book, rule: "water.pressure.low", device: "pt-1", id: "A1", flooding: true, at: t0)
        #expect(first.map(\.kind) == [.opened])
        #expect(first[0].ruleID == TicketBook.floodRuleID)
        #expect(first[0].device == "*")
        let second = F.alert(&book, rule: "water.turbidity", device: "tb-4", metric: "turbidity", id: "A2", flooding: true, at: t0 + 1)
        #expect(second.map(\.kind) == [.alertLinked])
        #expect(second[0].ticketID == "T1")
        #expect(second[0].alert?.ruleID == "water.turbidity")
        #expect(second[0].alert?.device == "tb-4")

        let flood = try #require(book.openFloodTicket(site: "north"))
        #expect(flood.isFlood)
        #expect(flood.severity == .critical)
        #expect(flood.alerts.map(\.alertID) == ["A1", "A2"])
        // Flood tickets take the critical defaults for the utility, not the first rule's policy.
        #expect(flood.currentDeadline == t0 + 45 * F.minute)
        #expect(book.tickets.count == 1)
    }

    @Test func safetyAlertsAlwaysGetTheirOwnTicket() throws {
        var book = F.book()
        let t0 = F.at("2026-11-25T08:00:00Z")
        F.alert(&book, rule: "gas.pressure", utility: .gas, id: "A1", flooding: true, at: t0)
        let leak = F.alert(&book, rule: "gas.leak", utility: .gas, device: "ld-1", metric: "gas_leak", id: "A2",
                           safety: true, flooding: true, at: t0 + 1)
        #expect(leak.map(\.kind) == [.opened])
        #expect(leak[0].ticketID == "T2")
        #expect(leak[0].ruleID == "gas.leak")
        #expect(book.ticket("T2")?.safety == true)
        #expect(book.ticket("T1")?.alerts.count == 1)
    }

    @Test func anAlreadyOpenTicketKeepsItsOwnRefiringsDuringAFlood() {
        var book = F.book()
        let t0 = F.at("2026-11-25T08:00:00Z")
        F.alert(&book, id: "A1", at: t0)
        let refire = F.alert(&book, id: "A2", flooding: true, at: t0 + 1)
        #expect(refire.map(\.kind) == [.alertLinked])
        #expect(refire[0].ticketID == "T1")
        #expect(book.openFloodTicket(site: "north") == nil)
    }

    @Test func afterTheFloodNewAlertsOpenTheirOwnTicketsAndSitesAreSeparate() throws {
        var book = F.book()
        let t0 = F.at("2026-11-25T08:00:00Z")
        F.alert(&book, device: "pt-1", id: "A1", flooding: true, at: t0)
        F.alert(&book, site: "south", device: "pt-9", id: "A2", flooding: true, at: t0)
        #expect(book.openFloodTicket(site: "south")?.id == "T2")
        let after = F.alert(&book, device: "pt-3", id: "A3", flooding: false, at: t0 + F.hour)
        #expect(after[0].ticketID == "T3")
        #expect(after[0].ruleID == "water.pressure.low")
        #expect(book.openFloodTicket(site: "north")?.alerts.count == 1)
        // The flood ticket is worked like any other.
        _ = try book.close("T1", reason: .resolved, actor: "ann", at: t0 + 2 * F.hour)
        #expect(F.alert(&book, device: "pt-5", id: "A4", flooding: true, at: t0 + 3 * F.hour)[0].ticketID == "T4")
    }

    @Test func aWarningBelowThePolicyIsNotFolded() {
        var book = F.book()
        #expect(F.alert(&book, id: "A1", severity: .warning, flooding: true, at: F.at("2026-11-25T08:00:00Z")).isEmpty)
        #expect(book.tickets.isEmpty)
    }
}
