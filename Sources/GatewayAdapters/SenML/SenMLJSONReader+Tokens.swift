/// The JSON tokens under `SenMLJSONReader` come from the shared `JSONTokenizer` (the json format's
/// reader uses the same one); these forward to it and put its failures in SenML's terms.
extension SenMLJSONReader {
    typealias StringToken = JSONTokenizer.StringToken

    var peek: UInt8 { tokens.peek }

    var position: Int {
        get { tokens.position }
        set { tokens.position = newValue }
    }

    mutating func stringToken() throws(Failure) -> StringToken {
        do { return try tokens.stringToken() } catch { throw Failure(error) }
    }

    func text(of token: StringToken) throws(Failure) -> String {
        do { return try tokens.text(of: token) } catch { throw Failure(error) }
    }

    mutating func numberValue() throws(Failure) -> Double {
        do { return try tokens.numberValue() } catch { throw Failure(error) }
    }

    mutating func literal(_ word: StaticString) throws(Failure) {
        do { try tokens.literal(word) } catch { throw Failure(error) }
    }

    /// Skips any JSON value, checking its syntax, to `maxNesting` levels.
    mutating func skipValue(depth: Int) throws(Failure) {
        do { try tokens.skipValue(depth: depth, maxDepth: Self.maxNesting) } catch { throw Failure(error) }
    }

    mutating func skipWhitespace() { tokens.skipWhitespace() }

    func malformed(_ what: String) -> Failure { Failure(tokens.malformed(what)) }

    static func kindName(_ byte: UInt8) -> String? { JSONTokenizer.kindName(byte) }
}

extension SenMLJSONReader.Failure {
    init(_ failure: JSONTokenizer.Failure) {
        switch failure {
        case .malformed(let message): self = .malformed(message)
        case .tooDeep: self = .tooDeep
        }
    }
}
