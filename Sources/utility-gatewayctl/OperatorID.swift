import ArgumentParser
import GatewayRules

/// Alert and ticket ids as operators type them: `A7` and `T3` (a lower-case letter is accepted
/// and raised). Anything else is a usage error (exit 64) that names the expected form, before any
/// database or daemon is asked.
enum OperatorID {
    /// `A<n>`, as the rules engine numbers alerts.
    static func alert(_ text: String) throws -> String {
        let id = normalized(text)
        guard AlertID.number(id) != nil else {
            throw ValidationError("alert ids look like A7 (A and a number, as listed by 'alerts list'); got '\(text)'")
        }
        return id
    }

    /// `T<n>`, as the ticket book numbers tickets.
    static func ticket(_ text: String) throws -> String {
        let id = normalized(text)
        guard id.hasPrefix("T"), let number = Int(id.dropFirst()), number > 0, id.dropFirst().allSatisfy(\.isASCII) else {
            throw ValidationError("ticket ids look like T3 (T and a number, as listed by 'tickets list'); got '\(text)'")
        }
        return id
    }

    private static func normalized(_ text: String) -> String {
        guard let first = text.first else { return text }
        return first.uppercased() + text.dropFirst()
    }
}
