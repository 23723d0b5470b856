import Foundation
import Testing

/// Golden scenarios for the rule engine and the ticket book (issue 5 item 8): one folder per case
/// under `testdata/rules/` (see ``ScenarioCase``). `UPDATE_GOLDEN=1 swift test --filter
/// ScenarioTests` rewrites the expected files — read the diff before committing it: each line must
/// be what a control-room engineer expects.
@Suite("Rule scenarios (golden files)")
struct ScenarioTests {
    static let updating = ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] == "1"

    @Test("scenario", arguments: ScenarioCase.names())
    func scenario(_ name: String) throws {
        let scenario = try ScenarioCase(name: name)
        let run = ScenarioRun.run(scenario)
        for problem in run.problems { Issue.record("\(name): \(problem)") }
        try compare(run.alertLines, with: scenario.eventsFile, required: true, case: name)
        try compare(run.ticketLines, with: scenario.ticketsFile, required: false, case: name)
    }

    /// The restart test of every state a case passes through: saving and restoring the engine and
    /// the ticket book after every single step gives the same lines as running straight through.
    @Test("restart after every step changes nothing", arguments: ScenarioCase.names())
    func restartAfterEveryStep(_ name: String) throws {
        let scenario = try ScenarioCase(name: name)
        let straight = ScenarioRun.run(scenario)
        let restarted = ScenarioRun.run(scenario, restartEveryStep: true)
        for problem in restarted.problems { Issue.record("\(name): \(problem)") }
        let sameAlerts = restarted.alertLines == straight.alertLines
        let sameTickets = restarted.ticketLines == straight.ticketLines
        #expect(
            sameAlerts,
            "\(name): alert events differ with a restart after every step:\n\(ScenarioDiff.render(expected: straight.alertLines, actual: restarted.alertLines))")
        #expect(
            sameTickets,
            "\(name): ticket events differ with a restart after every step:\n\(ScenarioDiff.render(expected: straight.ticketLines, actual: restarted.ticketLines))")
    }

    @Test func everyCaseFolderIsComplete() {
        let names = ScenarioCase.names()
        #expect(!names.isEmpty, "no scenario folders under \(ScenarioCase.root.path)")
        for name in names {
            let folder = ScenarioCase.root.appendingPathComponent(name)
            for file in ["rules.yaml", "readings.jsonl", "expected_events.jsonl"] {
                #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent(file).path), "\(name) lacks \(file)")
            }
        }
    }

    func compare(_ produced: [String], with file: URL, required: Bool, case name: String) throws {
        let exists = FileManager.default.fileExists(atPath: file.path)
        if Self.updating {
            if exists || required || !produced.isEmpty {
                try Data(produced.map { $0 + "\n" }.joined().utf8).write(to: file)
            }
            return
        }
        guard exists else {
            #expect(
                !required && produced.isEmpty,
                "\(name): \(file.lastPathComponent) is missing; produced:\n\(produced.joined(separator: "\n"))\n(run with UPDATE_GOLDEN=1 to write it)")
            return
        }
        let expected = try String(contentsOf: file, encoding: .utf8).split(separator: "\n").map(String.init)
        let same = produced == expected
        #expect(
            same,
            "\(name)/\(file.lastPathComponent) differs (- expected, + produced):\n\(ScenarioDiff.render(expected: expected, actual: produced))")
    }
}

/// A line diff (longest common subsequence) for golden-file failures: `-` expected only,
/// `+` produced only, two spaces for lines in both.
enum ScenarioDiff {
    static func render(expected: [String], actual: [String]) -> String {
        let n = expected.count, m = actual.count
        var lcs = Array(repeating: Array(repeating: 0, count: m + 1), count: n + 1)
        for i in stride(from: n - 1, through: 0, by: -1) {
            for j in stride(from: m - 1, through: 0, by: -1) {
                lcs[i][j] = expected[i] == actual[j] ? lcs[i + 1][j + 1] + 1 : max(lcs[i + 1][j], lcs[i][j + 1])
            }
        }
        var out: [String] = []
        var i = 0, j = 0
        while i < n || j < m {
            if i < n, j < m, expected[i] == actual[j] {
                out.append("  " + expected[i])
                i += 1
                j += 1
            } else if i < n, j == m || lcs[i + 1][j] >= lcs[i][j + 1] {
                out.append("- " + expected[i])
                i += 1
            } else {
                out.append("+ " + actual[j])
                j += 1
            }
        }
        return out.joined(separator: "\n")
    }
}
