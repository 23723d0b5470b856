import ArgumentParser
import Foundation
import GatewayConfig
import GatewayCore

/// How the CLI reaches the running daemon's API: `--api URL`, or the `api:` section of the
/// configuration named by `--config`, or else the default listener `http://127.0.0.1:8480`.
/// `--token-file` holds the operator's token (a bare token, or a `name token` line as in the
/// daemon's token file). `--ca-file` trusts a private CA for an HTTPS listener.
struct APIOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The gateway's configuration file; the API address is read from its api: section.", valueName: "file"))
    var config: String?

    @Option(name: .long, help: ArgumentHelp("The API's base URL: http://127.0.0.1:8480, https://host:8443 or http+unix://%2Frun%2Futility-gateway%2Fapi.sock.", valueName: "url"))
    var api: String?

    @Option(name: .customLong("token-file"), help: ArgumentHelp("A file holding your API token.", valueName: "file"))
    var tokenFile: String?

    @Option(name: .customLong("ca-file"), help: ArgumentHelp("A CA certificate (PEM) to trust for an https:// API with a private certificate.", valueName: "file"))
    var caFile: String?

    func validate() throws {
        if config != nil && api != nil { throw ValidationError("give --config FILE or --api URL, not both") }
        try Self.validate(api: api)
    }

    /// The base URL, without a trailing slash.
    func baseURL() throws -> String {
        try Self.baseURL(config: config, api: api)
    }

    /// The token from `--token-file`.
    func token() throws -> String? {
        try tokenFile.map(Self.token(file:))
    }

    /// A client for the API these options name.
    func client() throws -> APIClient {
        APIClient(baseURL: try baseURL(), token: try token(), caFile: caFile, tokenFile: tokenFile)
    }

    /// `--api` as given, or the listener of the configuration's `api:` section, or the default.
    static func baseURL(config: String?, api: String?) throws -> String {
        if let api { return api.hasSuffix("/") ? String(api.dropLast()) : api }
        guard let config else { return APISettings().listen.baseURL(tls: false) }
        let settings: APISettings
        do {
            settings = try ConfigurationLoader.load(path: config, options: .init(checkFiles: false)).configuration.api
        } catch {
            throw CtlFailure("\(error)")
        }
        guard settings.enabled else { throw CtlFailure("\(config): the API is turned off (api.enabled: false)") }
        return settings.listen.baseURL(tls: settings.tls != nil)
    }

    /// The token in a token file: the last word of the first line that is not blank or a comment.
    static func token(file tokenFile: String) throws -> String {
        let text: String
        do {
            text = try String(contentsOfFile: tokenFile, encoding: .utf8)
        } catch {
            throw CtlFailure("cannot read the token file \(tokenFile): \(error.localizedDescription)")
        }
        let line = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .first { !$0.isEmpty && !$0.hasPrefix("#") }
        guard let word = line?.split(whereSeparator: { $0 == " " || $0 == "\t" }).last else {
            throw CtlFailure("the token file \(tokenFile) holds no token")
        }
        return String(word)
    }

    /// The checks of `validate()`, shared with `StoreAndAPIOptions`.
    static func validate(api: String?) throws {
        if let api, !(api.hasPrefix("http://") || api.hasPrefix("https://") || api.hasPrefix("http+unix://")) {
            throw ValidationError("--api must start with http://, https:// or http+unix://; got '\(api)'")
        }
    }
}
