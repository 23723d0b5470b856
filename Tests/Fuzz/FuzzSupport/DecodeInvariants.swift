import GatewayAdapters
import GatewayCore

/// The promises `MessageDecoder.decode` makes for every input, however hostile, written out so that
/// the fuzzer can trap on a broken one (libFuzzer then saves the input) and the tests can report it.
///
/// Beyond "it returned": every message ends as readings, quarantine or both; every quarantine record
/// says why in words and keeps the right bytes; every reading is finite, in its metric's canonical
/// unit, with a storable identity and an event time inside the route's window. A reading that breaks
/// one of these would be stored and acknowledged, so it is as much a bug as a crash.
public enum DecodeInvariants {
    /// What a site or device id may be (as the adapters' own check): not empty, at most 200 bytes,
    /// no control characters.
    static let maxIdentityBytes = 200

    /// Every broken promise in `result`, as sentences; empty when all hold.
    public static func violations(
        _ result: MessageDecoder.Result, message: InboundMessage, route: RouteConfiguration, limits: IngestSettings
    ) -> [String] {
        var problems: [String] = []
        if result.routeID != route.id {
            problems.append("routed to \(result.routeID.map { "'\($0)'" } ?? "no route"); expected '\(route.id)'")
        }
        if result.readings.isEmpty && result.quarantined.isEmpty {
            problems.append("neither a reading nor a quarantine record: the message would vanish")
        }
        for (index, record) in result.quarantined.enumerated() {
            problems += quarantineProblems(record, message: message, limits: limits).map { "quarantine[\(index)] (\(record.reason.rawValue)): \($0)" }
        }
        for (index, reading) in result.readings.enumerated() {
            problems += readingProblems(reading, message: message, route: route).map { "reading[\(index)] (\(reading.metric)): \($0)" }
        }
        return problems
    }

    static func quarantineProblems(_ record: QuarantineRecord, message: InboundMessage, limits: IngestSettings) -> [String] {
        var problems: [String] = []
        if record.message.allSatisfy(\.isWhitespace) { problems.append("the failure message is empty") }
        if record.topic != message.topic { problems.append("topic '\(record.topic)' is not the message's") }
        if record.receivedAt != message.receivedAt { problems.append("received_at differs from the message's") }
        if record.payloadSize != message.payload.count {
            problems.append("payload_size \(record.payloadSize) is not the payload's \(message.payload.count) bytes")
        }
        if record.payload != Array(message.payload.prefix(limits.quarantinePayloadBytes)) {
            problems.append("the kept payload is not the first \(limits.quarantinePayloadBytes) bytes of the message")
        }
        return problems
    }

    static func readingProblems(_ reading: Reading, message: InboundMessage, route: RouteConfiguration) -> [String] {
        var problems: [String] = []
        if !reading.value.isFinite { problems.append("value \(reading.value) is not finite") }
        if !route.metrics.contains(where: { $0.name == reading.metric }) {
            problems.append("metric '\(reading.metric)' is not one of the route's metrics")
        }
        if let quantity = MetricCatalog.quantity(of: reading.metric) {
            if reading.unit != quantity.canonicalUnit {
                problems.append("unit '\(reading.unit)' is not the canonical \(quantity.canonicalUnit)")
            }
        } else if !UnitCatalog.Quantity.allCases.contains(where: { $0.canonicalUnit == reading.unit }) {
            problems.append("unit '\(reading.unit)' is not a canonical unit")
        }
        for (field, text) in [("site", reading.site), ("device", reading.device)] {
            if let problem = identityProblem(text) { problems.append("\(field) \(problem)") }
        }
        let ahead = reading.timestamp - message.receivedAt
        if ahead > EpochMillis(route.maxFutureSkewSeconds * 1000) {
            problems.append("event time is \(ahead) ms ahead of receipt, beyond max_future_skew")
        }
        if -ahead > EpochMillis(route.maxAgeSeconds * 1000) {
            problems.append("event time is \(-ahead) ms before receipt, beyond max_age")
        }
        if reading.receivedAt != message.receivedAt { problems.append("received_at differs from the message's") }
        if reading.topic != message.topic { problems.append("topic '\(reading.topic)' is not the message's") }
        if reading.seq != nil { problems.append("seq is set before the store assigned one") }
        return problems
    }

    static func identityProblem(_ text: String) -> String? {
        if text.isEmpty { return "is empty" }
        if text.utf8.count > maxIdentityBytes { return "is longer than \(maxIdentityBytes) bytes" }
        if text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            return "contains control characters"
        }
        return nil
    }
}
