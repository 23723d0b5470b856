/// Whether a payload is valid UTF-8 (and where its byte order mark ends), checked once per message
/// before a byte-level parser reads it (line protocol here; SenML's JSON reader too).
///
/// Why up front: the parsers then turn byte ranges into `String`s without validating each one, and
/// a payload with broken bytes is refused as a whole (`invalid_encoding`) instead of storing
/// replacement characters in a device id. Payloads are nearly always ASCII, which is checked eight
/// bytes at a time; only a payload with other bytes pays for the full validation.
enum UTF8Check {
    static func isValid(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = UnsafeRawPointer(bytes.baseAddress) else { return true }
        let count = bytes.count
        var i = 0
        while i + 8 <= count {
            if base.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 != 0 { break }
            i += 8
        }
        while i < count, bytes[i] < 0x80 { i += 1 }
        if i == count { return true }
        // Everything before `i` is ASCII, so `i` is the start of a character.
        return String(validating: UnsafeBufferPointer(rebasing: bytes[i...]), as: UTF8.self) != nil
    }

    /// 3 when the payload starts with a UTF-8 byte order mark (`EF BB BF`), else 0.
    static func byteOrderMarkLength(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0
    }
}
