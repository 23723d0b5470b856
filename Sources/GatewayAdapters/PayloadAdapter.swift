import GatewayCore

/// The one contract every payload format implements: a message's bytes and topic in, canonical
/// readings out — or typed failures with a reason code.
///
/// An adapter is built once per route (validating the route's options then, not per message), is
/// stateless afterwards, and is safe to call from any thread. A failure in one part of a payload
/// (a metric, a CSV row) does not discard the parts that decoded: the outcome carries both.
public protocol PayloadAdapter: Sendable {
    /// Decodes one message that matched this adapter's route.
    func decode(_ message: InboundMessage) -> DecodeOutcome
}

/// What one payload yielded: the readings that decoded and the failures of the parts that did not.
public struct DecodeOutcome: Sendable {
    public var readings: [Reading]
    public var failures: [DecodeFailure]

    public init(readings: [Reading] = [], failures: [DecodeFailure] = []) {
        self.readings = readings
        self.failures = failures
    }

    /// An outcome that is one failure of the whole payload.
    public static func failure(_ reason: QuarantineReason, _ message: String) -> DecodeOutcome {
        DecodeOutcome(failures: [DecodeFailure(reason, message)])
    }
}

/// Why a payload, or a part of it, did not decode: a stable reason code and a sentence saying what
/// was wrong and what was expected.
public struct DecodeFailure: Error, Sendable, Hashable, CustomStringConvertible {
    public var reason: QuarantineReason
    public var message: String

    public init(_ reason: QuarantineReason, _ message: String) {
        self.reason = reason
        self.message = message
    }

    public var description: String { "\(reason.rawValue): \(message)" }
}

/// A route whose options an adapter cannot accept, found once at start-up. `keyPath` is relative
/// to the route (`metrics[1].path`) so the caller can point at the file and line.
public struct RouteConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    public var routeID: String
    public var keyPath: String
    public var message: String

    public init(routeID: String, keyPath: String, message: String) {
        self.routeID = routeID
        self.keyPath = keyPath
        self.message = message
    }

    public var description: String { "route '\(routeID)': \(keyPath): \(message)" }
}
