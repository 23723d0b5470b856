import ArgumentParser
import Foundation
import GatewayConfig
import GatewayQuery
import GatewayStore

/// Where the database is: found through the gateway's configuration (its `state_dir`), or named
/// directly with `--database` when only the file is at hand (a copy taken off a box, say).
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The gateway's configuration file; the database is <state_dir>/gateway.sqlite.", valueName: "file"))
    var config: String?

    @Option(name: .long, help: ArgumentHelp("The database file itself, instead of --config.", valueName: "file"))
    var database: String?

    func validate() throws {
        if (config == nil) == (database == nil) {
            throw ValidationError("give either --config FILE or --database FILE")
        }
    }

    /// Opens the database read-only, or exits with a message that says what to fix.
    func openReader() throws -> StoreReader {
        try Self.openReader(config: config, database: database)
    }

    /// The database file: `--database`, or the one of the configuration named by `--config`.
    func databasePath() throws -> String {
        try Self.databasePath(config: config, database: database)
    }

    static func databasePath(config: String?, database: String?) throws -> String {
        if let database { return database }
        guard let config else { throw CtlFailure("give either --config FILE or --database FILE") }
        do {
            return try ConfigurationLoader.load(path: config, options: .init(checkFiles: false)).configuration.gateway.databasePath
        } catch {
            throw CtlFailure("\(error)")
        }
    }

    /// The database named by `--database`, or the one of the configuration named by `--config`.
    static func openReader(config: String?, database: String?) throws -> StoreReader {
        let path = try databasePath(config: config, database: database)
        do {
            return try StoreReader(path: path)
        } catch {
            throw CtlFailure("\(error)")
        }
    }
}

/// `--format table|json|csv`.
struct FormatOption: ParsableArguments {
    @Option(name: .long, help: "Output format: table (for people), json or csv (for tools).")
    var format: OutputFormat = .table
}

extension OutputFormat: ExpressibleByArgument {}

/// A failure that ends the command with a message on stderr and exit code 1.
struct CtlFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
