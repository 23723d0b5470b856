extension String {
    /// The text without leading and trailing spaces and tabs.
    ///
    /// Foundation's `trimmingCharacters(in:)` costs ~11,000 instructions per call on Linux (measured
    /// by the CSV work); on the decode path, where every number-as-text goes through here, this plain
    /// loop over the UTF-8 bytes is what keeps text formats fast.
    func trimmingASCIISpaces() -> String {
        let utf8 = self.utf8
        guard let first = utf8.first, let last = utf8.last else { return self }
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }
        guard isSpace(first) || isSpace(last) else { return self }
        guard let start = utf8.firstIndex(where: { !isSpace($0) }) else { return "" }
        let end = utf8.lastIndex(where: { !isSpace($0) })!
        return String(self[start...end])
    }
}
