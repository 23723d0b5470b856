/// A path into a JSON document: dotted keys with array indexes, `meta.device`, `data.0.v`,
/// `readings[2].value`; `[*]` (in `json.each` only) for every element of an array; and `$.` to start
/// from the document's root instead of the current element (`$.meta.site`).
///
/// A numeric segment written dotted (`data.0`) indexes an array and also matches an object key
/// `"0"`, so both shapes that vendors use work. Parsed once at start-up; evaluated per message
/// against `JSONReader`'s tree.
struct JSONPath: Sendable, Hashable, CustomStringConvertible {
    enum Segment: Sendable, Hashable {
        case key(String)
        case index(Int)
        /// A dotted numeric segment: an index into an array or a key of an object.
        case keyOrIndex(String, Int)
        /// `[*]`: every element of an array.
        case wildcard
    }

    let segments: [Segment]
    /// `$.`-prefixed: evaluated from the document's root even inside `json.each` elements.
    let fromRoot: Bool
    let source: String

    var hasWildcard: Bool { segments.contains(.wildcard) }

    /// Parses a path, or returns a sentence saying what is wrong with it.
    static func parse(_ text: String, wildcards: Bool = false) -> Result<JSONPath, OptionProblem> {
        var body = Substring(text)
        var fromRoot = false
        if body == "$" {
            return .success(JSONPath(segments: [], fromRoot: true, source: text))
        }
        if body.hasPrefix("$.") {
            fromRoot = true
            body = body.dropFirst(2)
        }
        guard !body.isEmpty else { return .failure(OptionProblem("the path is empty")) }
        var segments: [Segment] = []
        for dotted in body.split(separator: ".", omittingEmptySubsequences: false) {
            var rest = Substring(dotted)
            let keyEnd = rest.firstIndex(of: "[") ?? rest.endIndex
            let key = rest[..<keyEnd]
            rest = rest[keyEnd...]
            if key.isEmpty && rest.isEmpty {
                return .failure(OptionProblem("'\(text)' has an empty segment; expected keys separated by dots, like meta.device"))
            }
            if !key.isEmpty {
                if key.contains("]") { return .failure(OptionProblem("'\(text)' has an unmatched ']'")) }
                if key == "*" {
                    segments.append(.wildcard)
                } else if let number = Int(key), number >= 0 {
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
                    segments.append(.wildcard)
                } else {
                    guard let index = Int(inner), index >= 0 else {
                        return .failure(OptionProblem("'\(text)': '[\(inner)]' is not an array index; expected a number from 0 or *"))
                    }
                    segments.append(.index(index))
                }
                rest = rest[rest.index(after: close)...]
            }
        }
        if !wildcards && segments.contains(.wildcard) {
            return .failure(OptionProblem(
                "'\(text)': wildcards ([*]) select the records of a message and belong in json.each; paths inside a record are relative to it"))
        }
        return .success(JSONPath(segments: segments, fromRoot: fromRoot, source: text))
    }

    /// The value at this path, or `nil` when any segment is absent (JSON `null` counts as absent).
    /// Only for paths without wildcards.
    func value(in start: JSONValue) -> JSONValue? {
        var current = start
        for segment in segments {
            guard let next = Self.step(current, segment) else { return nil }
            current = next
        }
        return current == .null ? nil : current
    }

    /// Every value the path selects, expanding `[*]`, in document order.
    func values(in start: JSONValue) -> [JSONValue] {
        var current: [JSONValue] = [start]
        for segment in segments {
            if segment == .wildcard {
                current = current.flatMap { value -> [JSONValue] in
                    if case .array(let elements) = value { return elements }
                    return []
                }
            } else {
                current = current.compactMap { Self.step($0, segment) }
            }
        }
        return current.filter { $0 != .null }
    }

    private static func step(_ current: JSONValue, _ segment: Segment) -> JSONValue? {
        switch segment {
        case .key(let key):
            return current[key]
        case .index(let index):
            guard case .array(let array) = current, index < array.count else { return nil }
            return array[index]
        case .keyOrIndex(let key, let index):
            if let next = current[key] { return next }
            if case .array(let array) = current, index < array.count { return array[index] }
            return nil
        case .wildcard:
            return nil
        }
    }

    var description: String { source }
}
