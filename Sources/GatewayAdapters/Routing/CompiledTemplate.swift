import GatewayCore

/// A `FieldTemplate` with its payload paths parsed by one format's path syntax, ready to resolve
/// per message without parsing anything again.
struct CompiledTemplate<Path: Sendable & Hashable>: Sendable, Hashable {
    enum Part: Sendable, Hashable {
        case literal(String)
        case topicLevel(Int)
        case payload(Path)
    }

    let parts: [Part]
    let source: String

    /// Compiles a template, parsing each `{payload.PATH}` with `parsePath`.
    static func compile(
        _ template: FieldTemplate, parsePath: (String) -> Result<Path, OptionProblem>
    ) -> Result<CompiledTemplate, OptionProblem> {
        var parts: [Part] = []
        for part in template.parts {
            switch part {
            case .literal(let text): parts.append(.literal(text))
            case .topicLevel(let level): parts.append(.topicLevel(level))
            case .payloadPath(let text):
                switch parsePath(text) {
                case .success(let path): parts.append(.payload(path))
                case .failure(let error): return .failure(error)
                }
            }
        }
        return .success(CompiledTemplate(parts: parts, source: template.source))
    }

    /// The literal value when the template has no placeholders.
    var constant: String? {
        if parts.count == 1, case .literal(let text) = parts[0] { return text }
        return nil
    }

    /// Builds the value for one message. `lookup` reads a payload path as text, or returns `nil`
    /// when it is absent or not a scalar.
    func resolve(
        field: String, topicLevels: [Substring], lookup: (Path) -> String?
    ) -> Result<String, DecodeFailure> {
        if let constant { return .success(constant) }
        var text = ""
        for part in parts {
            switch part {
            case .literal(let literal):
                text += literal
            case .topicLevel(let level):
                guard level < topicLevels.count else {
                    return .failure(DecodeFailure(.invalidIdentity,
                        "\(field) template \"\(source)\" reads topic level \(level), but the topic has \(topicLevels.count) levels"))
                }
                text += topicLevels[level]
            case .payload(let path):
                guard let value = lookup(path) else {
                    return .failure(DecodeFailure(.missingField,
                        "\(field) template \"\(source)\" needs payload field '\(path)', which is absent or not a string or number"))
                }
                text += value
            }
        }
        if let problem = IdentityText.problem(in: text) {
            return .failure(DecodeFailure(.invalidIdentity, "\(field) \"\(text.prefix(80))\" \(problem)"))
        }
        return .success(text)
    }
}

/// What a site or device identifier may be: not empty, at most 200 bytes, no control characters.
enum IdentityText {
    static let maxBytes = 200

    static func problem(in text: String) -> String? {
        if text.isEmpty { return "is empty" }
        if text.utf8.count > maxBytes { return "is longer than \(maxBytes) bytes" }
        if containsControlCharacter(text) {
            return "contains control characters"
        }
        return nil
    }

    /// General category Cc is exactly U+0000–U+001F and U+007F–U+009F (a stable Unicode property),
    /// so one pass over the UTF-8 (U+0080–U+009F are `C2 80`–`C2 9F`) replaces a property look-up
    /// per character, which cost a third of a SenML decode.
    private static func containsControlCharacter(_ text: String) -> Bool {
        func scan(_ bytes: some Sequence<UInt8>) -> Bool {
            var previous: UInt8 = 0
            for byte in bytes {
                if byte < 0x20 || byte == 0x7F || (previous == 0xC2 && byte >= 0x80 && byte <= 0x9F) { return true }
                previous = byte
            }
            return false
        }
        return text.utf8.withContiguousStorageIfAvailable(scan) ?? scan(text.utf8)
    }
}
