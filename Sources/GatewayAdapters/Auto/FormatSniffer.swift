/// Guesses a payload's format from its first bytes, by rules operators can read and predict:
///
/// 1. Skip a UTF-8 byte order mark and leading white space.
/// 2. `{` or `[` → `json`. (SenML is JSON too; a SenML feed must say `format: senml`.)
/// 3. `<` → `xml`.
/// 4. Otherwise look at the first line that is not empty and not a `#` comment: if it has an
///    unescaped space and the text after that space contains `=` before any further space
///    (`measurement,tag=a field=1 …`), → `influx` (line protocol).
/// 5. Anything else → `csv`.
enum FormatSniffer {
    static func sniff(_ bytes: [UInt8]) -> String {
        var index = 0
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }
        while index < bytes.count, isSpace(bytes[index]) { index += 1 }
        guard index < bytes.count else { return "csv" }
        switch bytes[index] {
        case UInt8(ascii: "{"), UInt8(ascii: "["): return "json"
        case UInt8(ascii: "<"): return "xml"
        default: break
        }
        // The first meaningful line.
        var lineStart = index
        while lineStart < bytes.count {
            var lineEnd = lineStart
            while lineEnd < bytes.count, bytes[lineEnd] != UInt8(ascii: "\n") { lineEnd += 1 }
            let line = bytes[lineStart..<lineEnd]
            let trimmed = line.drop(while: isSpace)
            if !trimmed.isEmpty, trimmed.first != UInt8(ascii: "#") {
                return looksLikeLineProtocol(trimmed) ? "influx" : "csv"
            }
            lineStart = lineEnd + 1
        }
        return "csv"
    }

    /// `measurement[,tags] field=value[ timestamp]`: a space (not escaped by `\`) followed by a
    /// token that contains `=`.
    static func looksLikeLineProtocol(_ line: ArraySlice<UInt8>) -> Bool {
        var escaped = false
        var afterSpace = false
        for byte in line {
            if escaped { escaped = false; continue }
            if byte == UInt8(ascii: "\\") { escaped = true; continue }
            if afterSpace {
                if byte == UInt8(ascii: "=") { return true }
                if byte == UInt8(ascii: " ") { return false }
            } else if byte == UInt8(ascii: " ") {
                afterSpace = true
            }
        }
        return false
    }

    static func isSpace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r") || byte == UInt8(ascii: "\n")
    }
}
