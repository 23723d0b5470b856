import GatewayCore

/// Loads a gateway configuration (schema version 1) from YAML and validates all of it.
///
/// Every problem in the file is collected before anything is thrown, each with its file, line,
/// column and key path: an operator fixes a whole file in one round. A loaded configuration is
/// complete and consistent; what can only be checked later (format options, directories the store
/// creates) is reported through ``LoadedConfiguration/sourceMap``.
///
/// Paths in the file are taken relative to the directory of the configuration file, not to the
/// working directory: `state_dir: var` in `config/gateway.yaml`, loaded with
/// `--config config/gateway.yaml` from the repository root, is `<repo>/config/var`. The same holds
/// for `password_file` and the `tls` files. Loaded paths are absolute.
///
/// The password file and the TLS files must be readable when the configuration is loaded (a
/// missing credential is found when the configuration is checked or the daemon starts, not at the
/// first reconnect at night), but the password itself is only read, by ``readSecret(path:)``, when
/// the daemon connects; it never appears in a problem.
public enum ConfigurationLoader {
    /// What a load checks beyond the file itself.
    public struct Options: Sendable, Hashable {
        /// Whether `password_file` and the `tls` files must be readable now. The daemon and `--check`
        /// say yes; `utility-gatewayctl` says no, because an operator who may read the database need
        /// not be able to read the broker's credentials.
        public var checkFiles: Bool
        /// The payload formats routes may name — the adapter registry's list, passed in so that the
        /// list lives in one place. `nil` accepts any name and leaves the check to the adapters.
        public var formats: [String]?
        /// Where `*_credential` keys are looked up: systemd's `$CREDENTIALS_DIRECTORY` (set for a
        /// unit with `LoadCredential=`), read from the environment unless given.
        public var credentialsDirectory: String?

        public init(
            checkFiles: Bool = true, formats: [String]? = nil,
            credentialsDirectory: String? = CredentialLookup.environmentDirectory()
        ) {
            self.checkFiles = checkFiles
            self.formats = formats
            self.credentialsDirectory = credentialsDirectory
        }
    }

    /// The largest configuration file accepted.
    static let fileSizeLimit = 8 * 1024 * 1024

    /// Loads and validates the configuration file at `path`. A file that cannot be read is reported
    /// as a problem at line 0 with the operating system's reason.
    public static func load(path: String, options: Options = Options()) throws(ConfigurationError) -> LoadedConfiguration {
        func fail(_ message: String) -> ConfigurationError {
            ConfigurationError(problems: [
                ConfigurationProblem(file: path, line: 0, column: 0, keyPath: "", message: message),
            ])
        }
        let bytes: [UInt8]
        switch FileAccess.readFile(path, limit: fileSizeLimit) {
        case .success(let content): bytes = content
        case .failure(let error): throw fail("cannot read \(path): \(error.reason)")
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw fail("cannot read \(path): the file is not UTF-8 text")
        }
        return try load(yaml: text, file: path, options: options)
    }

    /// Loads and validates configuration text. `file` names the text in problems, and its directory
    /// is where relative paths in the text are taken from.
    public static func load(yaml: String, file: String, options: Options = Options()) throws(ConfigurationError) -> LoadedConfiguration {
        let document = YAMLDocument.compose(yaml, file: file)
        let context = DecodingContext(
            document: document, file: file, baseDirectory: ConfigPaths.directory(of: file), options: options)
        let configuration = ConfigurationDecoder.decode(document.root, context: context)
        guard context.problems.isEmpty else { throw ConfigurationError(problems: context.problems) }
        guard let configuration else {
            // Every path that yields no configuration records a problem first; this is a safety net.
            throw ConfigurationError(problems: [
                ConfigurationProblem(
                    file: file, line: 0, column: 0, keyPath: "",
                    message: "the configuration is incomplete (internal error: no problem was recorded)"
                ),
            ])
        }
        return LoadedConfiguration(configuration: configuration, sourceMap: context.sourceMap)
    }
}
