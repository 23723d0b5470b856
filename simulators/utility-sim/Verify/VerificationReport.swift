/// The pass/fail table `utility-sim run --verify` prints: one row per expectation, with what the
/// gateway had that matched it (or "none"), so a miss is readable without opening the database.
struct VerificationReport: Sendable {
    struct Row: Sendable {
        var passed: Bool
        var expectation: String
        var found: String
    }

    let scenario: String
    let rows: [Row]
    /// Problems that concern the whole verification (no database, readings not stored in time).
    let notes: [String]

    var passed: Bool { notes.isEmpty && rows.allSatisfy(\.passed) }

    var text: String {
        let width = max("expectation".count, rows.map(\.expectation.count).max() ?? 0)
        func pad(_ text: String) -> String { text + String(repeating: " ", count: max(0, width - text.count)) }
        var lines = ["verify \(scenario):", "  result  \(pad("expectation"))  found"]
        for row in rows {
            lines.append("  \(row.passed ? "PASS" : "FAIL")    \(pad(row.expectation))  \(row.found)")
        }
        lines += notes.map { "  FAIL    \($0)" }
        let failed = rows.filter { !$0.passed }.count + notes.count
        lines.append(failed == 0
            ? "PASSED: \(rows.count) of \(rows.count) expectations met"
            : "FAILED: \(failed) of \(rows.count + notes.count) expectations missed")
        return lines.joined(separator: "\n")
    }
}
