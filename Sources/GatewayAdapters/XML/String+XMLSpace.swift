extension String {
    /// Without leading and trailing XML white space (space, tab, CR, LF): one pass over UTF-8, no
    /// Foundation character sets (`trimmingCharacters(in:)` costs ~1 µs a call on Linux), and no
    /// copy when there is nothing to trim.
    func trimmingXMLSpace() -> String {
        let bytes = utf8
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }
        guard let first = bytes.firstIndex(where: { !isSpace($0) }) else { return "" }
        let end = bytes.index(after: bytes.lastIndex(where: { !isSpace($0) }) ?? first)
        if first == bytes.startIndex && end == bytes.endIndex { return self }
        // Both ends sit next to ASCII white space, so the bytes between are whole scalars.
        return String(decoding: bytes[first..<end], as: UTF8.self)
    }
}
