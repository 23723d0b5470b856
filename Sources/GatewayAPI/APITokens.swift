import Foundation

/// The operators' bearer tokens, from the token file: one `name token` pair per line; blank lines
/// and lines starting with `#` are ignored.
///
/// The name is the actor recorded for every change made with the token. A token must be at least
/// 32 characters of `A-Z a-z 0-9 - _ . ~` (hex or base64url: 32 hex digits are 128 bits, the
/// floor the API asks for; `openssl rand -hex 32` gives 256) — shorter or other tokens are refused
/// when the file is loaded, with the line that is wrong, rather than accepted and guessable.
public struct APITokens: Sendable {
    public struct Entry: Sendable {
        public var name: String
        fileprivate var token: [UInt8]
    }

    public let entries: [Entry]

    /// A problem in the token file, with its line.
    public struct FileError: Error, CustomStringConvertible {
        public var path: String
        public var line: Int
        public var message: String
        public var description: String { "\(path):\(line): \(message)" }
    }

    public static let minimumLength = 32

    /// Parses the file's text. Tokens never appear in error messages.
    public init(text: String, path: String) throws(FileError) {
        var entries: [Entry] = []
        var names = Set<String>()
        var tokens = Set<[UInt8]>()
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces.union(.init(charactersIn: "\r")))
            if line.isEmpty || line.hasPrefix("#") { continue }
            let parts = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            func fail(_ message: String) -> FileError { FileError(path: path, line: index + 1, message: message) }
            guard parts.count == 2 else {
                throw fail("expected `name token` (two words separated by a space); got \(parts.count) word(s)")
            }
            let name = String(parts[0])
            let token = Array(parts[1].utf8)
            guard name.unicodeScalars.allSatisfy({ Self.isNameScalar($0) }) else {
                throw fail("the name '\(name)' may use only a-z, 0-9, '.', '_' and '-'")
            }
            guard token.count >= Self.minimumLength, token.allSatisfy(Self.isTokenByte) else {
                throw fail(
                    "the token of '\(name)' must be at least \(Self.minimumLength) characters of A-Z a-z 0-9 - _ . ~ "
                        + "(at least 128 bits; make one with `openssl rand -hex 32`)")
            }
            guard names.insert(name).inserted else { throw fail("the name '\(name)' appears twice") }
            guard tokens.insert(token).inserted else { throw fail("the token of '\(name)' is also another operator's token") }
            entries.append(Entry(name: name, token: token))
        }
        self.entries = entries
    }

    /// Reads and parses the file.
    public static func load(path: String) throws(FileError) -> APITokens {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw FileError(path: path, line: 0, message: "cannot read the token file: \(error.localizedDescription)")
        }
        return try APITokens(text: text, path: path)
    }

    /// The operator a presented token belongs to, or `nil`.
    ///
    /// Every configured token is compared, always to its full length, with no early exit, so the
    /// time taken does not depend on how much of a guess is right nor on which entry matched.
    public func actor(for presented: some Collection<UInt8>) -> String? {
        let candidate = Array(presented)
        var match: String?
        for entry in entries where Self.constantTimeEqual(entry.token, candidate) {
            match = entry.name
        }
        return match
    }

    /// Compares two byte strings in time that depends only on the configured token's length:
    /// every byte is read and differences are OR-ed together; a length difference is folded in
    /// instead of returning early.
    static func constantTimeEqual(_ expected: [UInt8], _ candidate: [UInt8]) -> Bool {
        var difference = UInt(expected.count ^ candidate.count)
        for index in 0..<expected.count {
            let other = index < candidate.count ? candidate[index] : 0
            difference |= UInt(expected[index] ^ other)
        }
        return difference == 0
    }

    private static func isNameScalar(_ s: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(s) || ("0"..."9").contains(s) || s == "." || s == "_" || s == "-"
    }

    private static func isTokenByte(_ b: UInt8) -> Bool {
        (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39)
            || b == UInt8(ascii: "-") || b == UInt8(ascii: "_") || b == UInt8(ascii: ".") || b == UInt8(ascii: "~")
    }
}
