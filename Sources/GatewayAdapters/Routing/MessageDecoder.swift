import GatewayCore

/// Decode and normalize, for every message the gateway receives: finds the route (first match
/// wins), enforces the size limit, runs the route's adapter and turns every failure into a
/// quarantine record — so that each acknowledged message ends as readings, quarantine, or both.
public struct MessageDecoder: Sendable {
    private let routes: [(filter: CompiledTopicFilter, id: String, adapter: any PayloadAdapter)]
    private let limits: IngestSettings

    /// Builds every route's adapter, collecting the problems of all routes before failing.
    public init(
        routes: [RouteConfiguration], limits: IngestSettings, registry: AdapterRegistry = .standard
    ) throws(RouteConfigurationErrors) {
        var built: [(CompiledTopicFilter, String, any PayloadAdapter)] = []
        var errors: [RouteConfigurationError] = []
        for route in routes {
            switch registry.adapter(for: route) {
            case .success(let adapter): built.append((CompiledTopicFilter(route.matchFilter), route.id, adapter))
            case .failure(let failure): errors += failure.errors
            }
        }
        guard errors.isEmpty else { throw RouteConfigurationErrors(errors) }
        self.routes = built
        self.limits = limits
    }

    /// What one message became.
    public struct Result: Sendable {
        public var routeID: String?
        public var readings: [Reading]
        public var quarantined: [QuarantineRecord]
    }

    /// Decodes one message. Never throws and never traps on input: everything that goes wrong is a
    /// quarantine record with its reason.
    public func decode(_ message: InboundMessage) -> Result {
        guard let route = routes.first(where: { $0.filter.matches(message.topic) }) else {
            return Result(routeID: nil, readings: [], quarantined: [
                quarantine(message, route: nil, DecodeFailure(.noRoute, "no route's topic filter matches '\(message.topic)'")),
            ])
        }
        guard message.payload.count <= limits.maxPayloadBytes else {
            return Result(routeID: route.id, readings: [], quarantined: [
                quarantine(message, route: route.id, DecodeFailure(.payloadTooLarge,
                    "the payload is \(message.payload.count) bytes; ingest.max_payload_bytes is \(limits.maxPayloadBytes)")),
            ])
        }
        var outcome = route.adapter.decode(message)
        if outcome.readings.isEmpty && outcome.failures.isEmpty {
            outcome.failures.append(DecodeFailure(.noReadings, "the payload decoded but held no reading"))
        }
        return Result(
            routeID: route.id, readings: outcome.readings,
            quarantined: outcome.failures.map { quarantine(message, route: route.id, $0) })
    }

    private func quarantine(_ message: InboundMessage, route: String?, _ failure: DecodeFailure) -> QuarantineRecord {
        let kept = message.payload.count > limits.quarantinePayloadBytes
            ? Array(message.payload.prefix(limits.quarantinePayloadBytes)) : message.payload
        return QuarantineRecord(
            receivedAt: message.receivedAt, topic: message.topic, route: route, reason: failure.reason,
            message: failure.message, payload: kept, payloadSize: message.payload.count)
    }
}
