/// Compiling path text into an `XMLPath`, with every problem said in a sentence that names the path,
/// for configuration errors at start-up.
extension XMLPath {
    /// Where a path is used, which decides what it may contain.
    enum Usage {
        /// A metric, timestamp, unit or template path: relative or absolute, may end at an attribute.
        case value
        /// `xml.each`: absolute, elements only, no `.` or `..`.
        case each
        /// Inside `[…]`: relative, downwards only (elements and a final attribute), no brackets.
        case predicate
    }

    /// The namespace that the reserved `xml` prefix always stands for.
    static let xmlNamespace = "http://www.w3.org/XML/1998/namespace"

    /// Parses `text`, resolving prefixes through `namespaces` (prefix → URI, from `xml.namespaces`).
    static func parse(_ text: String, namespaces: [String: String], usage: Usage = .value) -> Result<XMLPath, OptionProblem> {
        var parser = XMLPathParser(text: text, namespaces: namespaces, usage: usage)
        do {
            return .success(try parser.parse())
        } catch {
            return .failure(error)
        }
    }
}

/// A recursive-descent reader of the path grammar:
/// `path := '/'? step ('/' step)*`, `step := '.' | '..' | '@' name | name ('[' path '=' literal ']')?`.
private struct XMLPathParser {
    let text: String
    let characters: [Character]
    let namespaces: [String: String]
    let usage: XMLPath.Usage
    var position = 0

    init(text: String, namespaces: [String: String], usage: XMLPath.Usage) {
        self.text = text
        characters = Array(text)
        self.namespaces = namespaces
        self.usage = usage
    }

    mutating func parse() throws(OptionProblem) -> XMLPath {
        guard !characters.isEmpty else { throw OptionProblem("the path is empty") }
        let absolute = characters[0] == "/"
        if absolute { position = 1 }
        switch usage {
        case .each where !absolute:
            throw problem("xml.each starts at the document, so it begins with '/', like /MeterReadings/MeterReading")
        case .predicate where absolute:
            throw problem("a path inside [...] is relative to the element it filters")
        default: break
        }
        guard position < characters.count else {
            throw problem("'/' alone is the document; name the root element, like /MeterReadings")
        }
        var steps: [XMLPath.Step] = []
        while true {
            let step = try parseStep()
            if case .attribute = steps.last {
                throw problem("an attribute (@name) can only be the last step")
            }
            steps.append(step)
            guard position < characters.count else { break }
            guard characters[position] == "/" else {
                throw problem("unexpected '\(characters[position])' at position \(position + 1); steps are separated by '/'")
            }
            position += 1
            guard position < characters.count else { throw problem("the path ends with '/'") }
        }
        return XMLPath(steps: steps, absolute: absolute, source: text)
    }

    private mutating func parseStep() throws(OptionProblem) -> XMLPath.Step {
        let character = characters[position]
        if character == "/" {
            throw problem("'//' (search at any depth) is not supported; write every step of the path")
        }
        if character == "." {
            let dots = characters[position...].prefix { $0 == "." }.count
            guard dots <= 2 else { throw problem("'\(String(repeating: ".", count: dots))' is not a step; use '..' for the parent") }
            position += dots
            if usage != .value {
                throw problem(usage == .each ? "xml.each selects elements downwards from the root; '.' and '..' do not belong in it"
                                             : "a path inside [...] goes downwards only; '.' and '..' do not belong in it")
            }
            return dots == 2 ? .parent : .current
        }
        if character == "@" {
            position += 1
            guard usage != .each else { throw problem("xml.each selects elements; an attribute cannot be a record") }
            return .attribute(try parseName(attribute: true))
        }
        let name = try parseName(attribute: false)
        guard position < characters.count, characters[position] == "[" else { return .element(name, nil) }
        guard usage != .predicate else { throw problem("a path inside [...] cannot have brackets of its own") }
        return .element(name, try parsePredicate())
    }

    private mutating func parseName(attribute: Bool) throws(OptionProblem) -> XMLPath.Name {
        let start = position
        while position < characters.count, !"/[]=@'\" \t\n\r".contains(characters[position]) { position += 1 }
        let name = String(characters[start..<position])
        guard !name.isEmpty else {
            let found = position < characters.count ? "'\(characters[position])'" : "the end"
            throw problem("expected \(attribute ? "an attribute" : "an element") name at position \(start + 1); found \(found)")
        }
        if name.contains("*") { throw problem("wildcards ('\(name)') are not supported; name the element") }
        if name.contains("(") || name.contains(")") {
            throw problem("functions ('\(name)') are not supported; an element's value is already its text")
        }
        let parts = name.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count <= 2, parts.allSatisfy({ !$0.isEmpty }) else {
            throw problem("'\(name)' is not a name; expected local or prefix:local")
        }
        guard parts.count == 2 else {
            return XMLPath.Name(local: name, namespace: attribute ? .none : .any)
        }
        let prefix = String(parts[0])
        guard let uri = prefix == "xml" ? XMLPath.xmlNamespace : namespaces[prefix] else {
            let declared = namespaces.keys.sorted()
            throw problem("prefix '\(prefix)' is not declared in xml.namespaces\(declared.isEmpty ? " (none are declared)" : "; declared: \(declared.joined(separator: ", "))")")
        }
        return XMLPath.Name(local: String(parts[1]), namespace: .uri(uri))
    }

    /// `[path='literal']`, with the opening bracket at `position`.
    private mutating func parsePredicate() throws(OptionProblem) -> XMLPath.Predicate {
        let open = position
        position += 1
        var cursor = position
        while cursor < characters.count, characters[cursor] != "=", characters[cursor] != "]" { cursor += 1 }
        guard cursor < characters.count, characters[cursor] == "=" else {
            throw problem("'[' at position \(open + 1) needs a condition like [ReadingType/@ref='…']; positions such as [1] are not supported")
        }
        let inner = String(characters[position..<cursor]).trimmingXMLSpace()
        let path: XMLPath
        switch XMLPath.parse(inner, namespaces: namespaces, usage: .predicate) {
        case .success(let parsed): path = parsed
        case .failure(let failure): throw problem("in [...]: \(failure.message)")
        }
        cursor += 1
        while cursor < characters.count, characters[cursor] == " " { cursor += 1 }
        guard cursor < characters.count, characters[cursor] == "'" || characters[cursor] == "\"" else {
            throw problem("the value in [...] is quoted, like [@kind='energy']")
        }
        let quote = characters[cursor]
        let literalStart = cursor + 1
        guard let close = characters[literalStart...].firstIndex(of: quote) else {
            throw problem("the quoted value in [...] is not closed")
        }
        cursor = close + 1
        while cursor < characters.count, characters[cursor] == " " { cursor += 1 }
        guard cursor < characters.count, characters[cursor] == "]" else {
            throw problem("'[' at position \(open + 1) is not closed by ']' after its value")
        }
        position = cursor + 1
        return XMLPath.Predicate(path: path, literal: String(characters[literalStart..<close]))
    }

    private func problem(_ message: String) -> OptionProblem {
        OptionProblem("'\(text)': \(message)")
    }
}
