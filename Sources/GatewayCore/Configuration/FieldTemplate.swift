/// A value built from literal text, topic levels and payload fields: `"{topic.2}"`,
/// `"{payload.meta.device}"`, `"site-{topic.1}"`. Parsed once at start-up; resolved per message by
/// the adapters, which know how to read a payload path.
public struct FieldTemplate: Sendable, Hashable, CustomStringConvertible {
    /// One piece of a template.
    public enum Part: Sendable, Hashable {
        case literal(String)
        /// The N-th topic level, 0-based.
        case topicLevel(Int)
        /// A path into the payload, in the route format's path syntax.
        case payloadPath(String)
    }

    public let parts: [Part]
    /// The text as written in the configuration.
    public let source: String

    public init(parts: [Part], source: String) {
        self.parts = parts
        self.source = source
    }

    /// A template that is one literal value.
    public static func literal(_ text: String) -> FieldTemplate {
        FieldTemplate(parts: [.literal(text)], source: text)
    }

    /// Parses a template, or says what is wrong with it in a sentence fit for a configuration error.
    public static func parse(_ text: String) -> Result<FieldTemplate, TemplateError> {
        var parts: [Part] = []
        var literal = ""
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            if character == "}" {
                return .failure(TemplateError("unmatched '}' in \"\(text)\""))
            }
            guard character == "{" else {
                literal.append(character)
                index = text.index(after: index)
                continue
            }
            guard let close = text[index...].firstIndex(of: "}") else {
                return .failure(TemplateError("unclosed '{' in \"\(text)\""))
            }
            let inner = String(text[text.index(after: index)..<close])
            if !literal.isEmpty {
                parts.append(.literal(literal))
                literal = ""
            }
            if inner.hasPrefix("topic.") {
                guard let level = Int(inner.dropFirst("topic.".count)), level >= 0 else {
                    return .failure(TemplateError("\"{\(inner)}\" needs a topic level number from 0, like {topic.2}"))
                }
                parts.append(.topicLevel(level))
            } else if inner.hasPrefix("payload.") {
                let path = String(inner.dropFirst("payload.".count))
                guard !path.isEmpty else {
                    return .failure(TemplateError("\"{payload.}\" needs a path, like {payload.meta.device}"))
                }
                parts.append(.payloadPath(path))
            } else {
                return .failure(TemplateError("\"{\(inner)}\" is not a placeholder; expected {topic.N} or {payload.PATH}"))
            }
            index = text.index(after: close)
        }
        if !literal.isEmpty { parts.append(.literal(literal)) }
        guard !parts.isEmpty else { return .failure(TemplateError("the template is empty")) }
        return .success(FieldTemplate(parts: parts, source: text))
    }

    /// The highest topic level the template reads, if any: a route can check it against its filter.
    public var highestTopicLevel: Int? {
        parts.compactMap { if case .topicLevel(let n) = $0 { n } else { nil } }.max()
    }

    public var description: String { source }
}

/// Why a template does not parse.
public struct TemplateError: Error, Sendable, Hashable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
