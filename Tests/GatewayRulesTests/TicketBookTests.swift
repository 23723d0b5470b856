import GatewayCore
import Testing

@testable import GatewayRules

private typealias F = TicketFixture

@Suite struct TicketOpenAppendTests {
    @Test func theFirstAlertOpensATicketAndARefiringAppendsToIt() throws {
        var book = F.book()
        let t0 = F.at("2026-11-25T08:00:00Z")
        let opened = F.alert(&book, id: "A1", at: t0)
        #expect(opened.map(\.kind) == [.opened])
        #expect(opened[0].ticketID == "T1")
        #expect(opened[0].step == .accept)
        #expect(opened[0].deadline == t0 + 15 * F.minute)
        #expect(opened[0].alert?.alertID == "A1")
        #expect(opened[0].actor == nil)

        let appended = F.alert(&book, id: "A2", at: t0 + F.hour)
        #expect(appended.map(\.kind) == [.alertLinked])
        #expect(appended[0].ticketID == "T1")
        #expect(appended[0].deadline == t0 + 15 * F.minute)  // linking does not move the deadline

        let ticket = try #require(book.ticket("T1"))
        #expect(ticket.alerts.map(\.alertID) == ["A1", "A2"])
        #expect(ticket.state == .open(.accept))
        #expect(ticket.deviceKey == "water/north/pt-1")
        #expect(book.openTickets.count == 1)
        #expect(book.openTicket(rule: "water.pressure.low", utility: .water, site: "north", device: "pt-1")?.id == "T1")
    }

    @Test func anotherDeviceOrRuleGetsItsOwnTicketWithTheNextId() {
        var book = F.book()
        let t0 = F.at("2026-11-25T08:00:00Z")
        F.alert(&book, id: "A1", at: t0)
        #expect(F.alert(&book, device: "pt-2", id: "A2", at: t0)[0].ticketID == "T2")
        #expect(F.alert(&book, rule: "water.turbidity", id: "A3", at: t0)[0].ticketID == "T3")
        #expect(F.alert(&book, utility: .gas, id: "A4", at: t0)[0].ticketID == "T4")
        #expect(book.state.nextNumber == 5)
    }

    @Test func aRedeliveredAlertIsLinkedOnce() {
        var book = F.book()
        let t0 = F.at("2026-11-25T08:00:00Z")
        F.alert(&book, id: "A1", at: t0)
        #expect(F.alert(&book, id: "A1", at: t0 + 1000).isEmpty)
        #expect(book.ticket("T1")?.alerts.count == 1)
    }

    @Test func aWarningBelowThePolicyOpensNothingButAppendsToAnOpenTicket() throws {
        var book = F.book()
        let t0 = F.at("2026-11-25T08:00:00Z")
        #expect(F.alert(&book, id: "A1", severity: .warning, at: t0).isEmpty)
        #expect(book.tickets.isEmpty)
        F.alert(&book, id: "A2", severity: .critical, at: t0)
        #expect(F.alert(&book, id: "A3", severity: .warning, at: t0).map(\.kind) == [.alertLinked])
        #expect(book.ticket("T1")?.severity == .critical)
    }

    @Test func severityAndRiskRiseToTheHighestLinked() throws {
        var book = F.book()
        let t0 = F.at("2026-11-25T08:00:00Z")
        let policy = TicketPolicy(when: .warning)
        F.alert(&book, id: "A1", severity: .warning, risk: Risk(level: .low, category: .operational), policy: policy, at: t0)
        // The same alert episode turning critical is linked again at its new severity.
        F.alert(&book, id: "A1", severity: .critical, risk: Risk(level: .high, category: .technical), policy: policy, at: t0 + 1)
        F.alert(&book, id: "A2", severity: .warning, risk: Risk(level: .medium, category: .external), policy: policy, at: t0 + 2)
        let ticket = try #require(book.ticket("T1"))
        #expect(ticket.severity == .critical)
        #expect(ticket.risk == Risk(level: .high, category: .technical))
        #expect(ticket.alerts.count == 3)
    }
}

@Suite struct TicketStepWalkTests {
    @Test func theFullWalkRecomputesEachDeadlineFromWhenThePreviousStepWasDone() throws {
        var book = F.book()
        let opened = F.at("2026-11-25T08:00:00Z")  // Wednesday
        F.alert(&book, id: "A1", at: opened)
        #expect(book.ticket("T1")?.currentDeadline == F.at("2026-11-25T08:15:00Z"))

        let accepted = try book.accept("T1", actor: "ann", note: "crew dispatched", at: F.at("2026-11-25T08:10:00Z"))
        #expect(accepted.map(\.kind) == [.stepDone])
        #expect(accepted[0].step == .accept)
        #expect(accepted[0].nextStep == .investigate)
        #expect(accepted[0].actor == "ann")
        #expect(accepted[0].note == "crew dispatched")
        #expect(accepted[0].deadline == F.at("2026-11-26T08:10:00Z"))  // 24 h from acceptance

        let investigated = try book.investigate("T1", actor: "bob", at: F.at("2026-11-26T09:00:00Z"))
        // 7 working days from Thursday 09:00: Fri, Mon, Tue, Wed, Thu, Fri, Mon → Monday 7 December.
        #expect(investigated[0].deadline == F.at("2026-12-07T09:00:00Z"))
        #expect(investigated[0].nextStep == .handle)

        let handled = try book.handle("T1", actor: "bob", at: F.at("2026-12-04T16:00:00Z"))
        // 2 working days from Friday 16:00 → Tuesday 16:00.
        #expect(handled[0].deadline == F.at("2026-12-08T16:00:00Z"))
        #expect(book.ticket("T1")?.state == .open(.feedback))

        let fedBack = try book.feedback("T1", actor: "ann", note: "customer informed", at: F.at("2026-12-07T10:00:00Z"))
        #expect(fedBack.map(\.kind) == [.stepDone, .closed])
        #expect(fedBack[0].nextStep == nil)
        #expect(fedBack[0].deadline == nil)
        #expect(fedBack[1].closeReason == .completed)

        let ticket = try #require(book.ticket("T1"))
        #expect(ticket.state == .closed(.completed))
        #expect(ticket.closedAt == F.at("2026-12-07T10:00:00Z"))
        #expect(ticket.currentDeadline == nil)
        #expect(ticket.steps.map(\.step) == TicketStep.allCases)
        #expect(ticket.steps.map(\.doneBy) == ["ann", "bob", "bob", "ann"])
        #expect(ticket.steps.map(\.deadline) == [
            F.at("2026-11-25T08:15:00Z"), F.at("2026-11-26T08:10:00Z"), F.at("2026-12-07T09:00:00Z"),
            F.at("2026-12-08T16:00:00Z"),
        ])
        #expect(ticket.history.map(\.kind) == [.opened, .stepDone, .stepDone, .stepDone, .stepDone, .closed])
        #expect(book.openTickets.isEmpty)
    }

    @Test func stepsWithoutAPolicyTakeTheDefaultsForTheUtilityAndSeverity() throws {
        var book = F.book()
        let t0 = F.at("2026-11-25T08:00:00Z")
        F.alert(&book, rule: "power.voltage", utility: .power, id: "P1", policy: TicketPolicy(), at: t0)
        #expect(book.ticket("T1")?.currentDeadline == t0 + 45 * F.minute)
        _ = try book.accept("T1", actor: "ann", at: t0 + 30 * F.minute)
        #expect(book.ticket("T1")?.currentDeadline == t0 + 90 * F.minute)
        _ = try book.investigate("T1", actor: "ann", at: t0 + 90 * F.minute)
        #expect(book.ticket("T1")?.currentDeadline == t0 + 210 * F.minute)

        F.alert(&book, rule: "gas.leak", utility: .gas, id: "G1", severity: .warning,
                policy: TicketPolicy(when: .warning), at: t0)
        #expect(book.ticket("T2")?.currentDeadline == t0 + F.hour)

        // A rule that sets only some steps takes the defaults for the others.
        F.alert(&book, rule: "water.chlorine", id: "W1", policy: TicketPolicy(steps: [.investigate: .workingDays(1)]), at: t0)
        #expect(book.ticket("T3")?.currentDeadline == t0 + 45 * F.minute)
        _ = try book.accept("T3", actor: "ann", at: t0)
        #expect(book.ticket("T3")?.currentDeadline == F.at("2026-11-26T08:00:00Z"))
    }

    @Test func aTicketRaisedToCriticalGetsCriticalDefaultsFromItsNextStep() throws {
        var book = F.book()
        let t0 = F.at("2026-11-25T08:00:00Z")
        let policy = TicketPolicy(when: .warning)
        F.alert(&book, id: "A1", severity: .warning, policy: policy, at: t0)
        #expect(book.ticket("T1")?.currentDeadline == t0 + 24 * F.hour)  // water warning accept
        F.alert(&book, id: "A1", severity: .critical, policy: policy, at: t0 + F.minute)
        #expect(book.ticket("T1")?.currentDeadline == t0 + 24 * F.hour)  // a running deadline stays
        _ = try book.accept("T1", actor: "ann", at: t0 + 2 * F.minute)
        #expect(book.ticket("T1")?.currentDeadline == t0 + 62 * F.minute)  // water critical investigate 1 h
    }
}

@Suite struct TicketRefusalTests {
    @Test func stepsOutOfOrderAreRefusedWithTheStepTheTicketIsAt() throws {
        var book = F.book()
        let t0 = F.at("2026-11-25T08:00:00Z")
        F.alert(&book, id: "A1", at: t0)
        let before = book.state
        let early = try #require(F.refusal { try book.handle("T1", actor: "ann", at: t0) })
        #expect(early.code == .stepOutOfOrder)
        #expect(early.ticketID == "T1")
        #expect(early.message.contains("at step accept"))
        #expect(early.message.contains("do accept before handle"))
        #expect(book.state == before)

        _ = try book.accept("T1", actor: "ann", at: t0)
        let again = try #require(F.refusal { try book.accept("T1", actor: "ann", at: t0) })
        #expect(again.code == .stepAlreadyDone)
        #expect(again.message.contains("accept was already done at 2026-11-25T08:00:00.000Z"))
        #expect(again.message.contains("at step investigate"))
        let skip = try #require(F.refusal { try book.feedback("T1", actor: "ann", at: t0) })
        #expect(skip.code == .stepOutOfOrder)
    }

    @Test func missingActorUnknownTicketAndEmptyTextsAreRefused() throws {
        var book = F.book()
        let t0 = F.at("2026-11-25T08:00:00Z")
        F.alert(&book, id: "A1", at: t0)
        let before = book.state
        #expect(F.refusal { try book.accept("T1", actor: "  ", at: t0) }?.code == .actorMissing)
        #expect(F.refusal { try book.accept("T9", actor: "ann", at: t0) }?.code == .ticketNotFound)
        #expect(F.refusal { try book.assign("T1", to: "", actor: "ann", at: t0) }?.code == .assigneeMissing)
        #expect(F.refusal { try book.note("T1", " \n", actor: "ann", at: t0) }?.code == .noteMissing)
        #expect(F.refusal { try book.close("T1", reason: .completed, actor: "ann", at: t0) }?.code == .reasonNotAllowed)
        #expect(book.state == before)
    }

    @Test func aClosedTicketTakesOnlyNotes() throws {
        var book = F.book()
        let t0 = F.at("2026-11-25T08:00:00Z")
        F.alert(&book, id: "A1", at: t0)
        _ = try book.close("T1", reason: .falseAlarm, actor: "ann", note: "sensor bumped", at: t0 + F.minute)
        let refused = try #require(F.refusal { try book.accept("T1", actor: "ann", at: t0) })
        #expect(refused.code == .ticketClosed)
        #expect(refused.message.contains("closed (false_alarm)"))
        #expect(F.refusal { try book.assign("T1", to: "bob", actor: "ann", at: t0) }?.code == .ticketClosed)
        #expect(F.refusal { try book.close("T1", reason: .other, actor: "ann", at: t0) }?.code == .ticketClosed)
        let noted = try book.note("T1", "customer called back", actor: "ann", at: t0 + F.hour)
        #expect(noted.map(\.kind) == [.noted])
        #expect(noted[0].step == nil)
    }
}

@Suite struct TicketCloseTests {
    @Test(arguments: TicketStep.allCases)
    func closeIsAllowedFromAnyStep(_ step: TicketStep) throws {
        var book = F.book()
        let t0 = F.at("2026-11-25T08:00:00Z")
        F.alert(&book, id: "A1", at: t0)
        for earlier in TicketStep.allCases.prefix(while: { $0 != step }) {
            _ = try book.complete(earlier, ticket: "T1", actor: "ann", at: t0)
        }
        let closed = try book.close("T1", reason: .duplicate, actor: "bob", note: "same as T0", at: t0 + F.hour)
        #expect(closed.map(\.kind) == [.closed])
        #expect(closed[0].step == step)
        #expect(closed[0].deadline == nil)
        #expect(closed[0].closeReason == .duplicate)
        #expect(closed[0].note == "same as T0")
        let ticket = try #require(book.ticket("T1"))
        #expect(ticket.state == .closed(.duplicate))
        #expect(ticket.step == step)
        // The (rule, device) slot is free again: the next alert opens a new ticket.
        #expect(F.alert(&book, id: "A2", at: t0 + 2 * F.hour)[0].ticketID == "T2")
    }

    @Test func assignAndNoteAreRecorded() throws {
        var book = F.book()
        let t0 = F.at("2026-11-25T08:00:00Z")
        F.alert(&book, id: "A1", at: t0)
        let assigned = try book.assign("T1", to: " crew-7 ", actor: "ann", note: "nearest crew", at: t0 + 1)
        #expect(assigned[0].kind == .assigned)
        #expect(assigned[0].assignee == "crew-7")
        #expect(assigned[0].step == .accept)
        #expect(assigned[0].deadline == t0 + 15 * F.minute)
        _ = try book.note("T1", "valve 12 closed", actor: "crew-7", at: t0 + 2)
        let ticket = try #require(book.ticket("T1"))
        #expect(ticket.assignee == "crew-7")
        #expect(ticket.history.map(\.kind) == [.opened, .assigned, .noted])
        #expect(ticket.history.last?.note == "valve 12 closed")
    }
}
