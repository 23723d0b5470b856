import GatewayCore
import Testing

@testable import GatewayRules

/// An instant from an RFC 3339 text with its offset.
fileprivate func moment(_ text: String) -> EpochMillis {
    guard let millis = RFC3339.parse(text) else { fatalError("bad timestamp in test: \(text)") }
    return millis
}

fileprivate func localDay(_ text: String) -> LocalDate {
    guard let date = LocalDate(iso: text) else { fatalError("bad date in test: \(text)") }
    return date
}

@Suite struct LocalDateTests {
    @Test func parsesFormatsAndKnowsTheWeekday() {
        #expect(localDay("2026-10-01").description == "2026-10-01")
        #expect(localDay("2026-10-01").isoWeekday == 4)  // Thursday
        #expect(localDay("2026-11-29").isoWeekday == 7)  // Sunday
        #expect(localDay("1970-01-01").dayNumber == 0)
        #expect(localDay("1969-12-29").isoWeekday == 1)  // a Monday before the epoch
        #expect(localDay("2024-02-29").adding(days: 1) == localDay("2024-03-01"))
        #expect(localDay("1969-12-31").description == "1969-12-31")
    }

    @Test(arguments: ["2026-02-29", "2026-13-01", "2026-1-01", "2026/10/01", "2026-10-01T00:00", ""])
    func rejectsWhatIsNotADate(_ text: String) {
        #expect(LocalDate(iso: text) == nil)
    }
}

@Suite struct CalendarWorkingDayTests {
    let utc = WorkingDayCalendar(WorkCalendar())

    @Test func weekdaysWeekendsHolidaysAndMakeUpDays() {
        let calendar = WorkingDayCalendar(
            WorkCalendar(holidays: ["2026-11-30"], extraWorkdays: ["2026-11-28"]))
        #expect(calendar.isWorkingDay(localDay("2026-11-27")))  // Friday
        #expect(calendar.isWorkingDay(localDay("2026-11-28")))  // Saturday, make-up day
        #expect(!calendar.isWorkingDay(localDay("2026-11-29")))  // Sunday
        #expect(!calendar.isWorkingDay(localDay("2026-11-30")))  // Monday, holiday
        #expect(calendar.isWorkingDay(localDay("2026-12-01")))  // Tuesday
    }

    @Test func aDateListedAsBothHolidayAndExtraWorkdayIsAHoliday() {
        let calendar = WorkingDayCalendar(WorkCalendar(holidays: ["2026-11-28"], extraWorkdays: ["2026-11-28"]))
        #expect(!calendar.isWorkingDay(localDay("2026-11-28")))
    }

    @Test func unparseableDatesAreIgnored() {
        let calendar = WorkingDayCalendar(WorkCalendar(holidays: ["someday", "2026-11-27"]))
        #expect(!calendar.isWorkingDay(localDay("2026-11-27")))
        #expect(calendar.isWorkingDay(localDay("2026-11-26")))
    }

    @Test func aDurationIsWallClockTimeThroughTheWeekend() {
        #expect(utc.deadline(from: moment("2026-11-27T17:00:00Z"), adding: .duration(millis: 86_400_000))
            == moment("2026-11-28T17:00:00Z"))
    }

    @Test func workingDaysFromFridaySkipTheWeekend() {
        // Accepted Friday 17:00, 2wd: Monday is 1, Tuesday 2 → Tuesday 17:00.
        #expect(utc.deadline(from: moment("2026-11-27T17:00:00Z"), adding: .workingDays(2))
            == moment("2026-12-01T17:00:00Z"))
        #expect(utc.deadline(from: moment("2026-11-27T17:00:00Z"), adding: .workingDays(1))
            == moment("2026-11-30T17:00:00Z"))
        #expect(utc.deadline(from: moment("2026-11-25T09:30:00.250Z"), adding: .workingDays(7))
            == moment("2026-12-04T09:30:00.250Z"))
    }

    @Test func aWeekendStartIsDueAtTheEndOfTheNthWorkingDay() {
        // Saturday 10:00 + 1wd → end of Monday (Tuesday 00:00); + 2wd → end of Tuesday.
        #expect(utc.deadline(from: moment("2026-11-28T10:00:00Z"), adding: .workingDays(1))
            == moment("2026-12-01T00:00:00Z"))
        #expect(utc.deadline(from: moment("2026-11-29T23:59:00Z"), adding: .workingDays(2))
            == moment("2026-12-02T00:00:00Z"))
    }

    @Test func deadlinesNeverGoBackwardsAsTheStartMovesIntoTheWeekend() {
        var previous = EpochMillis.min
        var start = moment("2026-11-26T00:00:00Z")
        while start < moment("2026-12-01T00:00:00Z") {
            let due = utc.deadline(from: start, adding: .workingDays(1))
            #expect(due >= previous, "start \(RFC3339.format(start))")
            #expect(due > start)
            previous = due
            start += 1_800_000
        }
    }

    @Test func aHolidaySkipsAWeekday() {
        let calendar = WorkingDayCalendar(WorkCalendar(holidays: ["2026-11-30"]))
        #expect(calendar.deadline(from: moment("2026-11-27T17:00:00Z"), adding: .workingDays(1))
            == moment("2026-12-01T17:00:00Z"))
        // Started on the holiday itself: Tuesday is day 1, due at its end.
        #expect(calendar.deadline(from: moment("2026-11-30T10:00:00Z"), adding: .workingDays(1))
            == moment("2026-12-02T00:00:00Z"))
    }

    @Test func aMakeUpDayCountsAsAWorkingDay() {
        let calendar = WorkingDayCalendar(WorkCalendar(extraWorkdays: ["2026-11-28"]))
        #expect(calendar.deadline(from: moment("2026-11-27T17:00:00Z"), adding: .workingDays(1))
            == moment("2026-11-28T17:00:00Z"))
        #expect(calendar.deadline(from: moment("2026-11-28T09:00:00Z"), adding: .workingDays(1))
            == moment("2026-11-30T09:00:00Z"))
    }

    @Test func zeroWorkingDaysIsTheStartAndABrokenCalendarDoesNotHang() {
        let start = moment("2026-11-28T10:00:00Z")
        #expect(utc.deadline(from: start, adding: .workingDays(0)) == start)
        #expect(utc.deadline(from: start, adding: .workingDays(-3)) == start)
        let none = WorkingDayCalendar(WorkCalendar(workdays: []))
        // No working day ever: calendar days instead (end of the 2nd day after the start day).
        #expect(none.deadline(from: start, adding: .workingDays(2)) == moment("2026-12-01T00:00:00Z"))
        #expect(utc.deadline(from: .max - 10, adding: .duration(millis: 3_600_000)) == .max)
    }

    @Test func aFixedOffsetZoneCountsInLocalTime() {
        let calendar = WorkingDayCalendar(WorkCalendar(timeZone: .fixed(offsetSeconds: 8 * 3600)))
        // Friday 23:30 UTC is Saturday 07:30 in +08:00: a weekend start.
        #expect(calendar.localDate(of: moment("2026-11-27T23:30:00Z")) == localDay("2026-11-28"))
        #expect(calendar.deadline(from: moment("2026-11-27T23:30:00Z"), adding: .workingDays(1))
            == moment("2026-12-01T00:00:00+08:00"))
    }
}

@Suite struct CalendarDaylightSavingTests {
    let berlin = WorkingDayCalendar(WorkCalendar(timeZone: .named("Europe/Berlin")))
    let berlinEveryDay = WorkingDayCalendar(WorkCalendar(workdays: Set(1...7), timeZone: .named("Europe/Berlin")))

    @Test func workingDaysKeepTheLocalTimeAcrossTheSpringChange() {
        // Clocks go forward on Sunday 2026-03-29: Friday 10:00 CET + 1wd → Monday 10:00 CEST.
        let due = berlin.deadline(from: moment("2026-03-27T10:00:00+01:00"), adding: .workingDays(1))
        #expect(due == moment("2026-03-30T10:00:00+02:00"))
        #expect(due - moment("2026-03-27T10:00:00+01:00") == 71 * 3_600_000)
    }

    @Test func aDurationRunsOnTheWallClockAcrossTheChange() {
        #expect(berlin.deadline(from: moment("2026-03-28T10:00:00+01:00"), adding: .duration(millis: 86_400_000))
            == moment("2026-03-29T11:00:00+02:00"))
    }

    @Test func aWeekendStartEndsAtLocalMidnightAfterTheChange() {
        #expect(berlin.deadline(from: moment("2026-03-28T10:00:00+01:00"), adding: .workingDays(1))
            == moment("2026-03-31T00:00:00+02:00"))
        #expect(berlin.localDate(of: moment("2026-03-29T22:30:00Z")) == localDay("2026-03-30"))
    }

    @Test func aLocalTimeInTheGapMovesForwardByTheGap() {
        // 02:30 does not exist on 2026-03-29 in Berlin: read with CET, it is 03:30 CEST.
        #expect(berlinEveryDay.deadline(from: moment("2026-03-28T02:30:00+01:00"), adding: .workingDays(1))
            == moment("2026-03-29T03:30:00+02:00"))
    }

    @Test func aLocalTimeThatOccursTwiceIsItsFirstOccurrence() {
        // 02:30 occurs twice on 2026-10-25 in Berlin (CEST, then CET): the first.
        #expect(berlinEveryDay.deadline(from: moment("2026-10-24T02:30:00+02:00"), adding: .workingDays(1))
            == moment("2026-10-25T02:30:00+02:00"))
        // The autumn change seen from a Friday: Monday 10:00 CET.
        #expect(berlin.deadline(from: moment("2026-10-23T10:00:00+02:00"), adding: .workingDays(1))
            == moment("2026-10-26T10:00:00+01:00"))
    }
}

/// **Test fixture, not an authoritative calendar**: China's 2026 National Day break as published
/// (secondary source): holidays October 1–7, make-up working days Sunday September 20 and
/// Saturday October 10. Operators configure their real calendar each year.
@Suite struct CalendarShanghaiNationalDayFixtureTests {
    let shanghai = WorkingDayCalendar(
        WorkCalendar(
            holidays: Set((1...7).map { "2026-10-0\($0)" }), extraWorkdays: ["2026-09-20", "2026-10-10"],
            timeZone: .named("Asia/Shanghai")))

    @Test func theFixtureIsConsistent() {
        #expect(localDay("2026-10-01").isoWeekday == 4)
        #expect(localDay("2026-09-20").isoWeekday == 7)  // the make-up days fall on a weekend
        #expect(localDay("2026-10-10").isoWeekday == 6)
        for day in 1...7 { #expect(!shanghai.isWorkingDay(localDay("2026-10-0\(day)"))) }
        #expect(shanghai.isWorkingDay(localDay("2026-09-20")))
        #expect(shanghai.isWorkingDay(localDay("2026-10-10")))
        #expect(!shanghai.isWorkingDay(localDay("2026-10-11")))
        #expect(shanghai.isWorkingDay(localDay("2026-10-08")))
    }

    @Test func workingDaysSkipTheGoldenWeek() {
        // Wednesday 30 September 10:00: Oct 8 is day 1, Oct 9 day 2, Saturday Oct 10 (make-up) day 3.
        let start = moment("2026-09-30T10:00:00+08:00")
        #expect(shanghai.deadline(from: start, adding: .workingDays(1)) == moment("2026-10-08T10:00:00+08:00"))
        #expect(shanghai.deadline(from: start, adding: .workingDays(2)) == moment("2026-10-09T10:00:00+08:00"))
        #expect(shanghai.deadline(from: start, adding: .workingDays(3)) == moment("2026-10-10T10:00:00+08:00"))
        #expect(shanghai.deadline(from: start, adding: .workingDays(4)) == moment("2026-10-12T10:00:00+08:00"))
    }

    @Test func aStartDuringTheHolidayIsDueAtTheEndOfTheFirstWorkingDayAfter() {
        #expect(shanghai.deadline(from: moment("2026-10-03T15:00:00+08:00"), adding: .workingDays(1))
            == moment("2026-10-09T00:00:00+08:00"))
    }

    @Test func theSundayMakeUpDayCounts() {
        #expect(shanghai.deadline(from: moment("2026-09-18T17:00:00+08:00"), adding: .workingDays(1))
            == moment("2026-09-20T17:00:00+08:00"))
        #expect(shanghai.deadline(from: moment("2026-09-19T10:00:00+08:00"), adding: .workingDays(1))
            == moment("2026-09-21T00:00:00+08:00"))
    }
}
