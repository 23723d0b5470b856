import Foundation
import GatewayAdapters
import GatewayConfig
import GatewayCore

/// One route, loaded through the real configuration loader and the real adapter registry, and the
/// `MessageDecoder` built from it: what the fuzzer, the robustness tests and the benchmark drive.
///
/// A route is written as in the golden tests' `route.yaml` (one route, without the leading `- `)
/// and wrapped here into a complete configuration, so every option passes the same validation as in
/// the daemon. Every message gets one topic and time of receipt (by default ``defaultTopic`` and
/// ``defaultReceivedAt``), so the route's `topic:` must match it and payload timestamps near the
/// time of receipt fall inside the route's window.
public struct RouteUnderTest: Sendable {
    /// The fuzzer's topic: a route may read `{topic.1}` (`site-1`) and `{topic.2}` (`dev-1`).
    public static let defaultTopic = "fuzz/site-1/dev-1/data"
    /// 2026-11-27T08:00:00Z, the golden tests' default time of receipt.
    public static let defaultReceivedAt: EpochMillis = 1_795_766_400_000

    public let name: String
    public let route: RouteConfiguration
    public let limits: IngestSettings
    public let decoder: MessageDecoder
    public let topic: String
    public let receivedAt: EpochMillis

    /// Loads a route text; `name` labels it in problems. The message says everything wrong at once.
    public init(
        name: String, routeYAML: String, topic: String = defaultTopic, receivedAt: EpochMillis = defaultReceivedAt,
        registry: AdapterRegistry = .standard
    ) throws(RouteLoadError) {
        let indented = routeYAML.split(separator: "\n", omittingEmptySubsequences: false)
            .enumerated().map { $0.offset == 0 ? "  - \($0.element)" : "    \($0.element)" }.joined(separator: "\n")
        let yaml = """
            gateway: { id: robustness, state_dir: /tmp/robustness }
            broker: { url: "mqtt://127.0.0.1:1883" }
            routes:
            \(indented)
            """
        let configuration: GatewayConfiguration
        do {
            configuration = try ConfigurationLoader.load(
                yaml: yaml, file: name, options: .init(checkFiles: false, formats: registry.formats)
            ).configuration
        } catch {
            throw RouteLoadError(name: name, message: "\(error)")
        }
        guard configuration.routes.count == 1, let route = configuration.routes.first else {
            throw RouteLoadError(name: name, message: "expected exactly one route; got \(configuration.routes.count)")
        }
        do {
            decoder = try MessageDecoder(routes: [route], limits: configuration.ingest, registry: registry)
        } catch {
            throw RouteLoadError(name: name, message: error.errors.map(\.description).joined(separator: "\n"))
        }
        self.name = name
        self.route = route
        self.limits = configuration.ingest
        self.topic = topic
        self.receivedAt = receivedAt
        // Checked here and not per message: a route that never matches would make every input a
        // `no_route` quarantine and the fuzzer would test nothing while reporting success.
        let filter = route.matchFilter
        guard TopicFilter.matches(filter: filter, topic: topic) else {
            throw RouteLoadError(name: name, message: "the route's topic '\(route.topic)' does not match the message topic '\(topic)'")
        }
    }

    /// Loads `Tests/Fuzz/routes/<format>.yaml`, whose route must have `format: <format>`.
    ///
    /// A route file may be written before its adapter lands: its format not being registered yet
    /// is a distinct error (``RouteLoadError/formatNotRegistered``) that callers skip with a note.
    public init(format: String, registry: AdapterRegistry = .standard) throws(RouteLoadError) {
        let file = FuzzLayout.routeFile(format)
        guard registry.formats.contains(format) else {
            throw RouteLoadError(name: file.path,
                message: "format '\(format)' is not registered in this build (registered: \(registry.formats.joined(separator: ", ")))",
                formatNotRegistered: true)
        }
        guard let text = try? String(contentsOf: file, encoding: .utf8) else {
            throw RouteLoadError(name: file.path, message: "cannot read the route file")
        }
        try self.init(name: file.path, routeYAML: text, registry: registry)
        guard route.format == format else {
            throw RouteLoadError(name: file.path, message: "the route says format: \(route.format); a file named \(format).yaml must fuzz \(format)")
        }
    }

    /// The message the fuzzer and the tests decode: `payload` on ``topic`` at ``receivedAt``.
    public func message(_ payload: [UInt8]) -> InboundMessage {
        InboundMessage(topic: topic, payload: payload, qos: 1, retain: false, receivedAt: receivedAt)
    }

    /// Decodes `payload` and lists every broken promise of the decoder (empty when all hold).
    public func check(_ payload: [UInt8]) -> (result: MessageDecoder.Result, violations: [String]) {
        let inbound = message(payload)
        let result = decoder.decode(inbound)
        return (result, DecodeInvariants.violations(result, message: inbound, route: route, limits: limits))
    }
}

/// A route file that the configuration loader or the adapter refuses, or that cannot be fuzzed.
public struct RouteLoadError: Error, Sendable, CustomStringConvertible {
    public var name: String
    public var message: String
    /// The route file's format has no adapter in the registry (yet).
    public var formatNotRegistered = false
    public var description: String { "\(name): \(message)" }
}
