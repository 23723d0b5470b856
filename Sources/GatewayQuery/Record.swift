import GatewayCore

/// One row of query output: named cells in a fixed order, so that the table, JSON and CSV forms of
/// the same answer always agree on the columns.
public struct Record: Sendable, Hashable {
    public var fields: [(key: String, value: Cell)]

    public init(_ fields: [(key: String, value: Cell)]) {
        self.fields = fields
    }

    public static func == (lhs: Record, rhs: Record) -> Bool {
        lhs.fields.map(\.key) == rhs.fields.map(\.key) && lhs.fields.map(\.value) == rhs.fields.map(\.value)
    }

    public func hash(into hasher: inout Hasher) {
        for (key, value) in fields {
            hasher.combine(key)
            hasher.combine(value)
        }
    }
}

/// A cell value, typed so that JSON gets numbers as numbers and CSV knows what is a plain number.
public enum Cell: Sendable, Hashable {
    case int(Int64)
    case double(Double)
    case text(String)
    case null

    /// The text form used in tables and CSV.
    public var text: String {
        switch self {
        case .int(let value): String(value)
        case .double(let value): Self.format(value)
        case .text(let value): value
        case .null: ""
        }
    }

    /// Shortest round-tripping decimal form, without a trailing `.0` for whole numbers.
    static func format(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }
}

extension Record {
    /// A reading as operators and tools see it (DESIGN §4): `seq, utility, site, device, metric,
    /// value, unit, ts, received_at`, times in RFC 3339 UTC with milliseconds.
    public init(reading: Reading) {
        self.init([
            ("seq", reading.seq.map(Cell.int) ?? .null),
            ("utility", .text(reading.utility.rawValue)),
            ("site", .text(reading.site)),
            ("device", .text(reading.device)),
            ("metric", .text(reading.metric)),
            ("value", .double(reading.value)),
            ("unit", .text(reading.unit)),
            ("ts", .text(RFC3339.format(reading.timestamp))),
            ("received_at", .text(RFC3339.format(reading.receivedAt))),
        ])
    }
}

extension Record {
    /// The columns of a quarantine listing, without and with the payload.
    public static let quarantineColumns = ["id", "received_at", "topic", "route", "reason", "message", "payload_size"]

    /// A quarantine record as operators and tools see it. The payload, when asked for, is shown as
    /// UTF-8 text (invalid bytes replaced), cut to `payloadLimit` characters when one is given
    /// (tables); its full size is always in `payload_size`.
    public init(
        quarantineID id: Int64, record r: QuarantineRecord, includePayload: Bool = false, payloadLimit: Int? = nil
    ) {
        var fields: [(key: String, value: Cell)] = [
            ("id", .int(id)), ("received_at", .text(RFC3339.format(r.receivedAt))), ("topic", .text(r.topic)),
            ("route", r.route.map(Cell.text) ?? .null), ("reason", .text(r.reason.rawValue)),
            ("message", .text(r.message)), ("payload_size", .int(Int64(r.payloadSize))),
        ]
        if includePayload {
            let text = String(decoding: r.payload, as: UTF8.self)
            fields.append(("payload", .text(payloadLimit.map { String(text.prefix($0)) } ?? text)))
        }
        self.init(fields)
    }
}
