import Foundation

extension FieldValue {
    /// Reads a value of `JSONSerialization`'s output.
    ///
    /// Foundation hands back both numbers and booleans as `NSNumber`, and `value is Bool` is true for
    /// `1` as well as for `true`; booleans come back as a distinct subclass whose type encoding is
    /// `c` (checked on this toolchain), which is what tells them apart here.
    init(json value: Any) {
        if let number = value as? NSNumber {
            if type(of: number) != NSNumber.self, String(cString: number.objCType) == "c" {
                self = .bool(number.boolValue)
            } else {
                self = .number(number.doubleValue)
            }
        } else if let string = value as? String {
            self = .string(string)
        } else {
            self = .structure
        }
    }
}
