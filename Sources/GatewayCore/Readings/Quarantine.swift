/// Why a payload, or one part of it, could not become readings. The raw values are stable codes
/// that operators filter on and that appear in metrics labels; never rename one once shipped.
public enum QuarantineReason: String, Sendable, Hashable, CaseIterable, Codable {
    /// No route's topic filter matches the message's topic.
    case noRoute = "no_route"
    /// The payload is larger than `ingest.max_payload_bytes`.
    case payloadTooLarge = "payload_too_large"
    /// The payload is not valid UTF-8 where text was expected.
    case invalidEncoding = "invalid_encoding"
    /// The payload does not parse in the route's format (bad JSON, too deeply nested, …).
    case malformed = "malformed"
    /// A path the route requires (a metric, the device, the timestamp) is absent.
    case missingField = "missing_field"
    /// A field is present but of the wrong type (a string where a number is expected, …).
    case wrongType = "wrong_type"
    /// A value is out of what the field can mean (NaN, infinity, an unparseable timestamp, …).
    case invalidValue = "invalid_value"
    /// A template resolved to something not allowed (an unknown utility, an empty device id).
    case invalidIdentity = "invalid_identity"
    /// The payload parsed but produced no reading at all.
    case noReadings = "no_readings"
    /// The payload names a unit the gateway does not know (a declared unit is checked at start-up).
    case unknownUnit = "unknown_unit"
    /// The event time is further ahead of the time of receipt than the route's `max_future_skew`.
    case futureTimestamp = "future_timestamp"
    /// The event time is further behind the time of receipt than the route's `max_age`.
    case staleTimestamp = "stale_timestamp"
    /// A structural limit was exceeded (nesting depth, element count, rows per message).
    case limitExceeded = "limit_exceeded"
}

/// A payload, or one part of it, that the gateway acknowledged but could not turn into readings.
/// It is kept with its reason so that nothing acknowledged is silently lost.
public struct QuarantineRecord: Sendable, Hashable {
    public var receivedAt: EpochMillis
    public var topic: String
    /// The id of the route that matched, or `nil` when none did.
    public var route: String?
    public var reason: QuarantineReason
    /// A human sentence saying what was wrong and what was expected.
    public var message: String
    /// The payload bytes, possibly cut to the store's limit (see `payloadSize`).
    public var payload: [UInt8]
    /// The size of the whole payload in bytes, even when `payload` was cut.
    public var payloadSize: Int

    public init(
        receivedAt: EpochMillis, topic: String, route: String?, reason: QuarantineReason,
        message: String, payload: [UInt8], payloadSize: Int? = nil
    ) {
        self.receivedAt = receivedAt
        self.topic = topic
        self.route = route
        self.reason = reason
        self.message = message
        self.payload = payload
        self.payloadSize = payloadSize ?? payload.count
    }
}
