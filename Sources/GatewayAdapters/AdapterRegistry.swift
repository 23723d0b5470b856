import GatewayCore

/// The one place where payload formats are registered, explicitly: a format name maps to a
/// function that validates a route and builds its adapter.
public struct AdapterRegistry: Sendable {
    /// Builds the adapter of one route, or lists everything wrong with the route's options.
    public typealias Factory = @Sendable (RouteConfiguration) -> Result<any PayloadAdapter, RouteConfigurationErrors>

    private var factories: [String: Factory]

    public init(factories: [String: Factory]) {
        self.factories = factories
    }

    /// Every format this version of the gateway reads, and `auto`, which sniffs among them.
    public static let standard = AdapterRegistry(concrete: [
        "json": JSONAdapter.make,
        "csv": CSVAdapter.make,
        "xml": XMLAdapter.make,
        "senml": SenMLAdapter.make,
        "influx": InfluxAdapter.make,
    ])

    /// A registry of concrete formats plus `auto` choosing among them.
    init(concrete: [String: Factory]) {
        var all = concrete
        all["auto"] = { AutoAdapter.make(route: $0, factories: concrete) }
        self.init(factories: all)
    }

    /// The registered format names, sorted, for error messages.
    public var formats: [String] { factories.keys.sorted() }

    /// Builds the adapter for a route, or says why it cannot.
    public func adapter(for route: RouteConfiguration) -> Result<any PayloadAdapter, RouteConfigurationErrors> {
        guard let factory = factories[route.format] else {
            return .failure(RouteConfigurationErrors([
                RouteConfigurationError(
                    routeID: route.id, keyPath: "format",
                    message: "unknown format '\(route.format)'; expected one of \(formats.joined(separator: ", "))"),
            ]))
        }
        return factory(route)
    }
}

/// Every problem found in one route's options.
public struct RouteConfigurationErrors: Error, Sendable, Hashable {
    public var errors: [RouteConfigurationError]
    public init(_ errors: [RouteConfigurationError]) { self.errors = errors }
}
