import GatewayCore

/// `calendar:` → ``WorkCalendar``, the working days that `wd` ticket deadlines count: weekdays by
/// name, public holidays, make-up working days (`extra_workdays`) and the calendar's time zone.
enum CalendarSection {
    static let keys = ["workdays", "holidays", "extra_workdays", "timezone"]
    /// ISO 8601 numbering: Monday 1 … Sunday 7.
    static let weekdays = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    static let weekdayNames = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]

    static func decode(_ node: ConfigNode) -> WorkCalendar {
        var calendar = WorkCalendar()
        guard let section = node.mapping(expecting: "a mapping with workdays, holidays, extra_workdays and timezone") else {
            return calendar
        }
        section.rejectUnknownKeys(keys)
        if let workdaysNode = section.optional("workdays"),
            let items = workdaysNode.list(expecting: "a list of weekdays such as [mon, tue, wed, thu, fri]")
        {
            var days: Set<Int> = []
            for item in items {
                guard let day = weekday(item) else { continue }
                if !days.insert(day).inserted { item.report("\(weekdays[day - 1]) is listed twice") }
            }
            if items.isEmpty {
                workdaysNode.report("at least one weekday is a working day; expected a list such as [mon, tue, wed, thu, fri]")
            } else {
                calendar.workdays = days
            }
        }
        let holidays = dates(section.optional("holidays"), what: "holidays")
        let extra = dates(section.optional("extra_workdays"), what: "make-up working days")
        calendar.holidays = Set(holidays.map(\.date))
        calendar.extraWorkdays = Set(extra.map(\.date))
        let holidayLines = Dictionary(holidays.map { ($0.date, $0.line) }, uniquingKeysWith: { first, _ in first })
        // A make-up day that is a working day anyway is harmless and allowed.
        for (date, item, _) in extra {
            if let line = holidayLines[date] {
                item.report("\(date) is also a holiday (line \(line)); a day is either a holiday or a make-up working day")
            }
        }
        if let zoneNode = section.optional("timezone"),
            let text = zoneNode.string(expecting: "UTC, an offset such as +08:00, or an IANA zone such as Asia/Shanghai")
        {
            if let zone = TimestampZone(parsing: text) {
                calendar.timeZone = zone
            } else {
                zoneNode.report("expected UTC, an offset such as +08:00, or an IANA zone such as Asia/Shanghai; got \(Phrase.quoted(text))")
            }
        }
        return calendar
    }

    /// `mon` … `sun` (or the full name) → 1 … 7.
    static func weekday(_ node: ConfigNode) -> Int? {
        guard let text = node.text(expecting: "a weekday: mon, tue, wed, thu, fri, sat or sun") else { return nil }
        let lowered = text.lowercased()
        if let index = weekdays.firstIndex(of: lowered) ?? weekdayNames.firstIndex(of: lowered) { return index + 1 }
        node.report("expected a weekday: mon, tue, wed, thu, fri, sat or sun; got \(Phrase.quoted(text))"
            + Phrase.didYouMean(lowered, among: weekdays + weekdayNames))
        return nil
    }

    /// Valid, distinct `YYYY-MM-DD` dates with their nodes and lines.
    static func dates(_ node: ConfigNode?, what: String) -> [(date: String, node: ConfigNode, line: Int)] {
        guard let node, let items = node.list(expecting: "a list of dates (YYYY-MM-DD) of \(what), such as [2026-10-01]") else {
            return []
        }
        var found: [(date: String, node: ConfigNode, line: Int)] = []
        var seen: [String: Int] = [:]
        for item in items {
            guard let text = item.text(expecting: "a date YYYY-MM-DD such as 2026-10-01") else { continue }
            guard isoWeekday(text) != nil else {
                item.report("expected a date YYYY-MM-DD that exists, such as 2026-10-01; got \(Phrase.quoted(text))")
                continue
            }
            let line = item.context.sourceMap.nearestLocation(of: item.keyPath).line
            if let first = seen[text] {
                item.report("\(text) is listed twice (first at line \(first))")
                continue
            }
            seen[text] = line
            found.append((text, item, line))
        }
        return found
    }

    /// The ISO weekday (1 = Monday) of a real `YYYY-MM-DD` date, or `nil` when the text is not one.
    static func isoWeekday(_ text: String) -> Int? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard text.utf8.count == 10, parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
            (1...12).contains(month), year >= 1970
        else { return nil }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard (1...lengths[month - 1]).contains(day) else { return nil }
        // Days since 1970-01-01 (a Thursday), by Howard Hinnant's days_from_civil.
        let y = month <= 2 ? year - 1 : year
        let era = y / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146_097 + dayOfEra - 719_468
        return (days + 3) % 7 + 1
    }
}
