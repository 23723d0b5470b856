import GatewayCore
import Hummingbird

/// A request's query string, read strictly: every parameter must be one the endpoint knows and
/// appear at most once, and each value is checked as it is read — so a typo (`?devcie=p-7`) is a
/// 400 that names it, never a silently unfiltered answer.
struct QueryParameters {
    private var values: [String: String] = [:]
    private let now: EpochMillis

    init(_ request: Request, allowed: [String], now: EpochMillis) throws(APIError) {
        self.now = now
        for (key, value) in request.uri.queryParameters {
            let name = String(key)
            guard allowed.contains(name) else {
                throw APIError(
                    .badRequest, "unknown_parameter",
                    "unknown parameter '\(name)'\(Self.suggestion(name, allowed)); this endpoint takes \(allowed.joined(separator: ", "))")
            }
            guard values[name] == nil else {
                throw APIError(.badRequest, "duplicate_parameter", "'\(name)' is given more than once")
            }
            values[name] = String(value)
        }
    }

    /// A non-empty text value.
    func text(_ name: String) throws(APIError) -> String? {
        guard let value = values[name] else { return nil }
        guard !value.isEmpty else { throw .badParameter(name, "is empty; leave it out to mean any") }
        return value
    }

    /// One of an enumeration's raw values.
    func oneOf<Value: CaseIterable & RawRepresentable>(_ name: String, _ type: Value.Type) throws(APIError) -> Value?
    where Value.RawValue == String {
        guard let text = try text(name) else { return nil }
        guard let value = Value(rawValue: text) else {
            throw .badParameter(name, "'\(text)' is not one of \(Value.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return value
    }

    /// A time expression (`90m`, `1h`, `2026-11-27T08:00:00Z`).
    func time(_ name: String) throws(APIError) -> EpochMillis? {
        guard let text = try text(name) else { return nil }
        guard let instant = TimeExpression.parse(text, now: now) else {
            throw .badParameter(name, "'\(text)' is not \(TimeExpression.expectation)")
        }
        return instant
    }

    /// A whole number in a range, or the default.
    func integer(_ name: String, in range: ClosedRange<Int>, default value: Int) throws(APIError) -> Int {
        guard let text = try text(name) else { return value }
        guard let number = Int(text), range.contains(number) else {
            throw .badParameter(name, "'\(text)' is not a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }

    private static func suggestion(_ name: String, _ allowed: [String]) -> String {
        Suggestion.closest(to: name, among: allowed).map { " (did you mean '\($0)'?)" } ?? ""
    }
}
