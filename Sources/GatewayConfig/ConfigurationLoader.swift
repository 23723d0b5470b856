import GatewayCore
import Yams

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
/// missing credential is found by `config check`, not at 3 a.m. on the first reconnect), but the
/// password itself is only read by ``readSecret(path:)`` when the daemon connects.
public enum ConfigurationLoader {
    /// The payload formats routes may name in this version.
    public static let supportedFormats = ["json"]

    /// The largest configuration file accepted.
    static let fileSizeLimit = 8 * 1024 * 1024

    /// Loads and validates the configuration file at `path`. A file that cannot be read is reported
    /// as a problem at line 0 with the operating system's reason.
    public static func load(path: String) throws(ConfigurationError) -> LoadedConfiguration {
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
        return try load(yaml: text, file: path)
    }

    /// Loads and validates configuration text. `file` names the text in problems, and its directory
    /// is where relative paths in the text are taken from.
    public static func load(yaml: String, file: String) throws(ConfigurationError) -> LoadedConfiguration {
        let document = YAMLDocument.compose(yaml, file: file)
        let context = DecodingContext(document: document, file: file, baseDirectory: ConfigPaths.directory(of: file))
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

/// The top level of the file: which sections exist and the order they are decoded in (the broker
/// needs the gateway id for its default client id; routes need the protocol version).
enum ConfigurationDecoder {
    static let keys = ["version", "gateway", "broker", "storage", "ingest", "routes"]
    static let schemaVersion = 1

    static func decode(_ root: Node?, context: DecodingContext) -> GatewayConfiguration? {
        guard let root else {
            if context.problems.isEmpty {
                context.report(at: "", location: Location(line: 1, column: 1),
                               "the configuration is empty; expected the sections gateway, broker and routes")
            }
            return nil
        }
        let top = ConfigNode(node: root, keyPath: "", context: context)
        guard let sections = top.mapping(expecting: "a mapping with the sections gateway, broker and routes") else {
            return nil
        }
        sections.rejectUnknownKeys(keys)
        if let version = sections.optional("version"),
            let number = version.integer(expecting: "the schema version \(schemaVersion)"),
            number != schemaVersion
        {
            version.report("this gateway reads schema version \(schemaVersion); got \(number)")
        }
        let gateway = sections.required("gateway", "the gateway's identity, such as `gateway: { id: site-01 }`")
            .flatMap(GatewaySection.decode)
        let broker = sections.required("broker", "the MQTT broker, such as `broker: { url: mqtt://127.0.0.1:1883 }`")
            .map { BrokerSection.decode($0, gatewayID: gateway?.id) }
        let storage = sections.optional("storage").map(StorageSection.decode) ?? StorageSettings()
        let ingest = sections.optional("ingest").map(IngestSection.decode) ?? IngestSettings()
        let routes = sections.required("routes", "a list of routes (topic filter → readings)")
            .flatMap { RouteSection.decodeAll($0, protocolVersion: broker?.protocolVersion) }
        guard let gateway, let brokerSettings = broker?.settings, let routes else { return nil }
        return GatewayConfiguration(
            gateway: gateway, broker: brokerSettings, storage: storage, ingest: ingest, routes: routes
        )
    }
}
