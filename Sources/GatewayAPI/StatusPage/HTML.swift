/// HTML escaping for the status page. Every piece of text that comes from the model goes through
/// here, for element content and attribute values alike: device names, topics and quarantine
/// messages come from payloads, and a payload is untrusted.
enum HTML {
    /// Escapes `&`, `<`, `>`, `"` and `'`, so the result is safe as element content and as a quoted
    /// attribute value. Control characters other than tab, line feed and carriage return (which HTML
    /// does not allow in a document) become U+FFFD, as a browser would show them anyway.
    static func escape(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: needsEscaping) else { return text }
        var out = String.UnicodeScalarView()
        out.reserveCapacity(text.unicodeScalars.count + 16)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out.append(contentsOf: "&amp;".unicodeScalars)
            case "<": out.append(contentsOf: "&lt;".unicodeScalars)
            case ">": out.append(contentsOf: "&gt;".unicodeScalars)
            case "\"": out.append(contentsOf: "&quot;".unicodeScalars)
            case "'": out.append(contentsOf: "&#39;".unicodeScalars)
            case "\t", "\n", "\r": out.append(scalar)
            case _ where scalar.value < 0x20 || scalar.value == 0x7F: out.append("\u{FFFD}")
            default: out.append(scalar)
            }
        }
        return String(out)
    }

    private static func needsEscaping(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "&", "<", ">", "\"", "'": true
        case "\t", "\n", "\r": false
        default: scalar.value < 0x20 || scalar.value == 0x7F
        }
    }
}
