import ArgumentParser
import Foundation
import GatewayStore

/// `utility-gatewayctl store …`: the database file itself.
struct StoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store",
        abstract: "Check the gateway's database file.",
        subcommands: [StoreCheckCommand.self])
}

/// `utility-gatewayctl store check`: SQLite's integrity check, beside a running daemon or not.
struct StoreCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Run SQLite's integrity check on the database (read-only; safe beside a running daemon).",
        discussion: """
            Reads every page of the database, so it takes a while on a large store (minutes at \
            tens of millions of readings). Exit status: 0 when the file is sound, 1 when SQLite \
            found problems (they are listed) or the file cannot be read. The daemon runs the same \
            check by itself after an unclean shutdown; if it finds damage, it moves the file aside \
            and starts a fresh store.
            """)

    @OptionGroup var database: DatabaseOptions

    @Flag(name: .long, help: "PRAGMA quick_check: skips checking index contents against the tables; much faster.")
    var quick = false

    func run() throws {
        let path = try database.databasePath()
        guard FileManager.default.fileExists(atPath: path) else { throw CtlFailure("no database at \(path)") }
        let problems: [String]
        do {
            problems = try StoreIntegrity.check(path: path, quick: quick)
        } catch {
            print("\(path): damaged — \(error)")
            throw ExitCode.failure
        }
        guard !problems.isEmpty else {
            print("\(path): ok (\(quick ? "quick_check" : "integrity_check"))")
            return
        }
        print("\(path): \(problems.count) problem\(problems.count == 1 ? "" : "s") found by \(quick ? "quick_check" : "integrity_check"):")
        for problem in problems { print("  \(problem)") }
        throw ExitCode.failure
    }
}
