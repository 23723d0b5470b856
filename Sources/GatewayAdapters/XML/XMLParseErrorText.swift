/// libxml2's error numbers (which `XMLParser` passes on as its error codes, with no text on Linux)
/// as short phrases for quarantine messages — the common ones worded, every other one kept as its
/// number rather than collapsed into "unknown".
enum XMLParseErrorText {
    /// libxml2's warnings (`XML_WAR_*`): reported through the same callback as errors, but the
    /// document is still well-formed (a relative namespace URI, `version="1.1"`, …).
    static func isWarning(_ code: Int) -> Bool {
        [27, 93, 97, 98, 99, 100, 102, 106, 107].contains(code)
    }

    static func describe(_ code: Int) -> String {
        let phrase: String? = switch code {
        case 4: "the document is empty"
        case 5: "the document ends too early, or has content after the root element"
        case 6, 7, 8: "invalid character reference"
        case 9: "a character that XML does not allow"
        case 23: "an entity reference without its ';'"
        case 26: "a reference to an undeclared entity (only &lt; &gt; &amp; &quot; &apos; and character references exist without a DTD)"
        case 38: "'<' inside an attribute value"
        case 39, 40, 43, 44: "an unterminated or unquoted attribute value"
        case 41: "an attribute without a value"
        case 42, 203: "the same attribute twice on one element"
        case 45: "an unterminated comment"
        case 46, 47: "an unterminated processing instruction"
        case 57: "a malformed XML declaration"
        case 63: "an unterminated CDATA section"
        case 64: "the XML declaration is only allowed at the very start"
        case 65: "a space is required here"
        case 68: "a name was expected"
        case 73: "'>' expected"
        case 76: "an end tag that does not match its start tag"
        case 77: "an unterminated tag"
        case 85: "unbalanced start and end tags"
        case 86: "content after the root element"
        case 108: "an unsupported XML version"
        case 201: "an element or attribute prefix that no xmlns declaration binds"
        case 202: "a malformed qualified name"
        default: nil
        }
        return "\(phrase ?? "libxml2 error") (code \(code))"
    }
}
