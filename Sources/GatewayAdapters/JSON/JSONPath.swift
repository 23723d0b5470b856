import Foundation

/// A path into a JSON document: dotted keys with array indexes, `meta.device`, `data.0.v`,
/// `readings[2].value`. A numeric segment written dotted (`data.0`) indexes an array and also
/// matches an object key `"0"`, so both shapes that vendors use work.
///
/// Parsed once at start-up; evaluated per message against `JSONSerialization`'s output.
struct JSONPath: Sendable, Hashable, CustomStringConvertible {
    enum Segment: Sendable, Hashable {
        case key(String)
        case index(Int)
        /// A dotted numeric segment: an index into an array or a key of an object.
        case keyOrIndex(String, Int)
    }

    let segments: [Segment]
    let source: String

    /// Parses a path, or returns a sentence saying what is wrong with it.
    static func parse(_ text: String) -> Result<JSONPath, OptionProblem> {
        guard !text.isEmpty else { return .failure(OptionProblem("the path is empty")) }
        var segments: [Segment] = []
        for dotted in text.split(separator: ".", omittingEmptySubsequences: false) {
            var rest = Substring(dotted)
            // The key part before any [N].
            let keyEnd = rest.firstIndex(of: "[") ?? rest.endIndex
            let key = rest[..<keyEnd]
            rest = rest[keyEnd...]
            if key.isEmpty && rest.isEmpty {
                return .failure(OptionProblem("'\(text)' has an empty segment; expected keys separated by dots, like meta.device"))
            }
            if !key.isEmpty {
                if key.contains("]") {
                    return .failure(OptionProblem("'\(text)' has an unmatched ']'"))
                }
                if let number = Int(key), number >= 0 {
                    segments.append(.keyOrIndex(String(key), number))
                } else {
                    segments.append(.key(String(key)))
                }
            }
            while !rest.isEmpty {
                guard rest.first == "[", let close = rest.firstIndex(of: "]") else {
                    return .failure(OptionProblem("'\(text)' has an unclosed '['; expected an index like readings[0].value"))
                }
                let inner = rest[rest.index(after: rest.startIndex)..<close]
                if inner == "*" {
                    return .failure(OptionProblem(
                        "'\(text)': wildcards ([*]) are not supported by this version; give an index like [0]"))
                }
                guard let index = Int(inner), index >= 0 else {
                    return .failure(OptionProblem("'\(text)': '[\(inner)]' is not an array index; expected a number from 0"))
                }
                segments.append(.index(index))
                rest = rest[rest.index(after: close)...]
            }
        }
        return .success(JSONPath(segments: segments, source: text))
    }

    /// The value at this path, or `nil` when any segment is absent (JSON `null` counts as absent).
    func value(in root: Any) -> Any? {
        var current: Any = root
        for segment in segments {
            switch segment {
            case .key(let key):
                guard let object = current as? [String: Any], let next = object[key] else { return nil }
                current = next
            case .index(let index):
                guard let array = current as? [Any], index < array.count else { return nil }
                current = array[index]
            case .keyOrIndex(let key, let index):
                if let object = current as? [String: Any], let next = object[key] {
                    current = next
                } else if let array = current as? [Any], index < array.count {
                    current = array[index]
                } else {
                    return nil
                }
            }
        }
        return current is NSNull ? nil : current
    }

    var description: String { source }
}
