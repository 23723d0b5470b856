import GatewayCore

/// `format: auto`: sniffs each payload (`FormatSniffer`'s documented rules) and hands it to the
/// route's adapter for that format. Every candidate adapter is built and validated at start-up
/// from the same route — each with its own sub-map (`json:`, `xml:`, `csv:`, `influx:`) — so a
/// route that cannot be read in one of the candidate formats is a configuration error, not a
/// surprise at the first such payload.
struct AutoAdapter: PayloadAdapter {
    /// The formats `auto` chooses between, in the sniffer's terms.
    static let candidates = ["json", "xml", "csv", "influx"]

    let adapters: [String: any PayloadAdapter]

    static func make(route: RouteConfiguration, factories: [String: AdapterRegistry.Factory]) -> Result<any PayloadAdapter, RouteConfigurationErrors> {
        var adapters: [String: any PayloadAdapter] = [:]
        var errors: [RouteConfigurationError] = []
        for format in candidates {
            guard let factory = factories[format] else { continue }
            var candidate = route
            candidate.format = format
            switch factory(candidate) {
            case .success(let adapter): adapters[format] = adapter
            case .failure(let failure):
                errors += failure.errors.map { error in
                    var error = error
                    error.message = "(as \(format), for format: auto) " + error.message
                    return error
                }
            }
        }
        guard errors.isEmpty else { return .failure(RouteConfigurationErrors(errors)) }
        return .success(AutoAdapter(adapters: adapters))
    }

    func decode(_ message: InboundMessage) -> DecodeOutcome {
        let format = FormatSniffer.sniff(message.payload)
        guard let adapter = adapters[format] else {
            return .failure(.malformed, "format: auto took the payload for \(format), which this gateway does not read")
        }
        return adapter.decode(message)
    }
}
