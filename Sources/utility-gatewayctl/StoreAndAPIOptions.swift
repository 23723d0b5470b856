import ArgumentParser
import GatewayStore

/// For a command that reads the database and also asks the daemon (`devices list`): ONE `--config`
/// names both the database (`<state_dir>/gateway.sqlite`) and the API (`api:`), so that the two
/// option groups do not each bring a `--config` of their own. `--database` reads a copied file; the
/// API is then asked only when `--api` is given too.
struct StoreAndAPIOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The gateway's configuration file: the database is <state_dir>/gateway.sqlite, the API its api: section.", valueName: "file"))
    var config: String?

    @Option(name: .long, help: ArgumentHelp("The database file itself, instead of --config.", valueName: "file"))
    var database: String?

    @Option(name: .long, help: ArgumentHelp("The API's base URL (with --database).", valueName: "url"))
    var api: String?

    @Option(name: .customLong("token-file"), help: ArgumentHelp("A file holding your API token.", valueName: "file"))
    var tokenFile: String?

    @Option(name: .customLong("ca-file"), help: ArgumentHelp("A CA certificate (PEM) to trust for an https:// API with a private certificate.", valueName: "file"))
    var caFile: String?

    func validate() throws {
        if (config == nil) == (database == nil) {
            throw ValidationError("give either --config FILE or --database FILE")
        }
        if config != nil && api != nil { throw ValidationError("give --config FILE or --api URL, not both") }
        try APIOptions.validate(api: api)
    }

    func openReader() throws -> StoreReader {
        try DatabaseOptions.openReader(config: config, database: database)
    }

    /// The daemon's API, or `nil` when only a database file was named.
    func client() throws -> APIClient? {
        guard config != nil || api != nil else { return nil }
        return APIClient(
            baseURL: try APIOptions.baseURL(config: config, api: api), token: try tokenFile.map(APIOptions.token(file:)),
            caFile: caFile, tokenFile: tokenFile)
    }
}
