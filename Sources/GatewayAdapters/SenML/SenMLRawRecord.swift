/// One SenML record exactly as the pack wrote it (RFC 8428 §4.1–4.3), before base values are
/// applied. Kept apart from the resolved form so that resolution (`SenMLResolver`) is a pure step
/// that tests can drive without JSON.
struct SenMLRawRecord: Sendable, Equatable {
    // Base fields: they apply to this record and every following one until changed.
    var baseName: String?
    var baseTime: Double?
    var baseUnit: String?
    var baseValue: Double?
    var baseSum: Double?
    var baseVersion: Double?
    // Regular fields.
    var name: String?
    var unit: String?
    var value: Double?
    var stringValue: String?
    var boolValue: Bool?
    var dataValue: String?
    var sum: Double?
    var time: Double?

    /// Set when the pack's element is not a JSON object: what it was ("a number"). Nothing else is set.
    var notAnObject: String?
    /// The first field whose JSON type is wrong for its label.
    var typeProblem: SenMLTypeProblem?
    /// The first field whose label ends in `_` ("must understand", RFC 8428 §4.4): none is known here.
    var mustUnderstand: String?
}

/// A field of the wrong JSON type (`"v": "12"`). A base field of the wrong type spoils every
/// following record, so it fails the whole pack; a regular field fails its record.
struct SenMLTypeProblem: Sendable, Hashable {
    var label: String
    var got: String
    var expected: String
    var isBaseField: Bool
}

/// The labels of RFC 8428 §4.3 (JSON), recognised from the key's bytes without building a string.
enum SenMLLabel: Sendable, Hashable {
    case baseName, baseTime, baseUnit, baseValue, baseSum, baseVersion
    case name, unit, value, stringValue, boolValue, dataValue, sum, time, updateTime
    /// An extension field; `mustUnderstand` when its label ends in `_`.
    case other(mustUnderstand: Bool)

    init(_ key: UnsafeBufferPointer<UInt8>) {
        func at(_ index: Int) -> UInt8 { index < key.count ? key[index] : 0 }
        let a = at(0), b = at(1), c = at(2), d = at(3)
        switch (key.count, a, b, c, d) {
        case (1, UInt8(ascii: "n"), _, _, _): self = .name
        case (1, UInt8(ascii: "u"), _, _, _): self = .unit
        case (1, UInt8(ascii: "v"), _, _, _): self = .value
        case (1, UInt8(ascii: "s"), _, _, _): self = .sum
        case (1, UInt8(ascii: "t"), _, _, _): self = .time
        case (2, UInt8(ascii: "b"), UInt8(ascii: "n"), _, _): self = .baseName
        case (2, UInt8(ascii: "b"), UInt8(ascii: "t"), _, _): self = .baseTime
        case (2, UInt8(ascii: "b"), UInt8(ascii: "u"), _, _): self = .baseUnit
        case (2, UInt8(ascii: "b"), UInt8(ascii: "v"), _, _): self = .baseValue
        case (2, UInt8(ascii: "b"), UInt8(ascii: "s"), _, _): self = .baseSum
        case (2, UInt8(ascii: "v"), UInt8(ascii: "s"), _, _): self = .stringValue
        case (2, UInt8(ascii: "v"), UInt8(ascii: "b"), _, _): self = .boolValue
        case (2, UInt8(ascii: "v"), UInt8(ascii: "d"), _, _): self = .dataValue
        case (2, UInt8(ascii: "u"), UInt8(ascii: "t"), _, _): self = .updateTime
        case (4, UInt8(ascii: "b"), UInt8(ascii: "v"), UInt8(ascii: "e"), UInt8(ascii: "r")): self = .baseVersion
        default: self = .other(mustUnderstand: key.last == UInt8(ascii: "_"))
        }
    }

    var isBaseField: Bool {
        switch self {
        case .baseName, .baseTime, .baseUnit, .baseValue, .baseSum, .baseVersion: true
        default: false
        }
    }

    /// The label as written, for messages.
    var text: String {
        switch self {
        case .baseName: "bn"
        case .baseTime: "bt"
        case .baseUnit: "bu"
        case .baseValue: "bv"
        case .baseSum: "bs"
        case .baseVersion: "bver"
        case .name: "n"
        case .unit: "u"
        case .value: "v"
        case .stringValue: "vs"
        case .boolValue: "vb"
        case .dataValue: "vd"
        case .sum: "s"
        case .time: "t"
        case .updateTime: "ut"
        case .other: "?"
        }
    }
}
