import Foundation

/// Telling JSON numbers, booleans and strings apart in `JSONSerialization`'s output.
///
/// Foundation hands back both numbers and booleans as `NSNumber`, and `value is Bool` is true for
/// `1` as well as for `true`; booleans come back as a distinct subclass whose type encoding is
/// `c` (checked on this toolchain), which is what tells them apart here.
enum JSONScalar {
    case number(Double)
    case bool(Bool)
    case string(String)
    case other

    init(_ value: Any) {
        if let number = value as? NSNumber {
            if type(of: number) != NSNumber.self, String(cString: number.objCType) == "c" {
                self = .bool(number.boolValue)
            } else {
                self = .number(number.doubleValue)
            }
        } else if let string = value as? String {
            self = .string(string)
        } else {
            self = .other
        }
    }

    /// A word for error messages: what was found instead of what was expected.
    var kindName: String {
        switch self {
        case .number: "a number"
        case .bool: "a boolean"
        case .string: "a string"
        case .other: "an object or array"
        }
    }
}
