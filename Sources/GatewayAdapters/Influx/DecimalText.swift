/// Numbers read straight from a payload's UTF-8 bytes by the byte-level parsers (line protocol
/// here, SenML's JSON reader too), without building a `String` per number.
///
/// Why: at 500k lines/s a line has ~2 µs for everything, and a `String` per value would spend a
/// good part of that. Numbers of at most 19 significant digits with a decimal exponent within ±22
/// take Clinger's fast path — an integer below 2^53 multiplied or divided by an exactly
/// representable power of ten is correctly rounded by one IEEE operation. Anything else goes to the
/// standard library's parser, so every result is the correctly rounded `Double` either way.
enum DecimalText {
    /// Which spellings a format allows.
    enum Grammar {
        /// RFC 8259: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
        case json
        /// Line protocol floats: `-?` then digits with an optional `.` (`1.`, `.5`, `007` accepted),
        /// then an optional exponent. No `+` sign, no `NaN` or `Inf`.
        case lineProtocol
    }

    private static let exactPowers: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    /// The value of `bytes[start..<end]`, or `nil` when it is not a number in `grammar`. A number
    /// too large for a `Double` comes back infinite (the caller rejects non-finite values).
    static func double(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, grammar: Grammar) -> Double? {
        var i = start
        guard i < end else { return nil }
        let negative = bytes[i] == UInt8(ascii: "-")
        if negative { i += 1 }
        var mantissa: UInt64 = 0
        var significant = 0
        var exponent = 0
        var truncated = false

        let integerStart = i
        while i < end, bytes[i] &- 48 < 10 {
            let digit = UInt64(bytes[i] &- 48)
            if significant < 19 {
                if mantissa != 0 || digit != 0 {
                    mantissa = mantissa &* 10 &+ digit
                    significant += 1
                }
            } else {
                truncated = truncated || digit != 0
                exponent += 1
            }
            i += 1
        }
        let integerDigits = i - integerStart
        if grammar == .json, integerDigits == 0 || (integerDigits > 1 && bytes[integerStart] == UInt8(ascii: "0")) {
            return nil
        }
        var fractionDigits = 0
        if i < end, bytes[i] == UInt8(ascii: ".") {
            i += 1
            let fractionStart = i
            while i < end, bytes[i] &- 48 < 10 {
                let digit = UInt64(bytes[i] &- 48)
                if significant < 19 {
                    if mantissa != 0 || digit != 0 {
                        mantissa = mantissa &* 10 &+ digit
                        significant += 1
                    }
                    exponent -= 1
                } else {
                    truncated = truncated || digit != 0
                }
                i += 1
            }
            fractionDigits = i - fractionStart
            if grammar == .json && fractionDigits == 0 { return nil }
        }
        guard integerDigits + fractionDigits > 0 else { return nil }
        if i < end, bytes[i] | 0x20 == UInt8(ascii: "e") {
            i += 1
            var exponentNegative = false
            if i < end, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") {
                exponentNegative = bytes[i] == UInt8(ascii: "-")
                i += 1
            }
            let exponentStart = i
            var written = 0
            while i < end, bytes[i] &- 48 < 10 {
                if written < 100_000 { written = written * 10 + Int(bytes[i] &- 48) }
                i += 1
            }
            guard i > exponentStart else { return nil }
            exponent += exponentNegative ? -written : written
        }
        guard i == end else { return nil }

        if mantissa == 0 { return negative ? -0.0 : 0.0 }
        if !truncated, mantissa <= 1 << 53, exponent >= -22, exponent <= 22 {
            var value = Double(mantissa)
            value = exponent < 0 ? value / exactPowers[-exponent] : value * exactPowers[exponent]
            return negative ? -value : value
        }
        return Double(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self))
    }

    /// `-?[0-9]+` as an `Int64`, or `nil` when it is not one or does not fit.
    static func int64(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Int64? {
        var i = start
        guard i < end else { return nil }
        let negative = bytes[i] == UInt8(ascii: "-")
        if negative { i += 1 }
        guard i < end else { return nil }
        var value: Int64 = 0
        while i < end {
            let digit = bytes[i] &- 48
            guard digit < 10 else { return nil }
            let (shifted, overflow1) = value.multipliedReportingOverflow(by: 10)
            // Accumulated negatively so that Int64.min is reachable.
            let (next, overflow2) = shifted.subtractingReportingOverflow(Int64(digit))
            guard !overflow1, !overflow2 else { return nil }
            value = next
            i += 1
        }
        if negative { return value }
        return value == .min ? nil : -value
    }

    /// `[0-9]+` as a `UInt64`, or `nil` when it is not one or does not fit.
    static func uint64(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> UInt64? {
        guard start < end else { return nil }
        var value: UInt64 = 0
        for i in start..<end {
            let digit = bytes[i] &- 48
            guard digit < 10 else { return nil }
            let (shifted, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (next, overflow2) = shifted.addingReportingOverflow(UInt64(digit))
            guard !overflow1, !overflow2 else { return nil }
            value = next
        }
        return value
    }
}
