import GatewayCore

/// One record of a payload — a JSON element, an XML element, a CSV row, a line of line protocol,
/// a SenML record — that a route maps to readings with its templates, timestamp and metrics.
///
/// Each format splits its payload into records and answers path look-ups in its own path syntax;
/// everything after that (identity, event time, values, units, time checks) is the same for every
/// format and lives once, in `RecordMapper`.
protocol PayloadRecord<Path> {
    associatedtype Path
    /// The value at `path`, or `nil` when the record has nothing there.
    func value(at path: Path) -> FieldValue?
    /// The record's own event time (a line protocol timestamp, a SenML time), used when the route
    /// maps no `timestamp`.
    var timestamp: EpochMillis? { get }
    /// The record's own unit for the value at `path` (a SenML record's `u`), used when the metric
    /// declares none.
    func unit(at path: Path) -> String?
}

extension PayloadRecord {
    var timestamp: EpochMillis? { nil }
    func unit(at path: Path) -> String? { nil }
}

/// A scalar read out of a payload, before any interpretation.
enum FieldValue: Sendable, Hashable {
    case number(Double)
    case string(String)
    case bool(Bool)
    /// An object, array or element: present, but not a scalar.
    case structure

    /// What was found, for "expected X; got Y" messages.
    var kindName: String {
        switch self {
        case .number: "a number"
        case .string: "a string"
        case .bool: "a boolean"
        case .structure: "an object or list"
        }
    }

    /// The text form used in identity templates (`{payload.device}`), `nil` for non-scalars.
    var templateText: String? {
        switch self {
        case .string(let text): text
        case .number(let number):
            number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : String(number)
        case .bool(let flag): String(flag)
        case .structure: nil
        }
    }
}
