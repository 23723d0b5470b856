import GatewayCore

/// Small helpers for writing messages.
enum Phrase {
    /// `a`, `a or b`, `a, b or c`.
    static func list(_ items: [String], conjunction: String = "or") -> String {
        switch items.count {
        case 0: return ""
        case 1: return items[0]
        default: return items.dropLast().joined(separator: ", ") + " \(conjunction) " + items[items.count - 1]
        }
    }

    /// A value quoted for a message, shortened when long.
    static func quoted(_ text: String) -> String {
        let limit = 60
        let shown = text.count > limit ? text.prefix(limit) + "…" : Substring(text)
        return "'\(shown)'"
    }

    /// "; did you mean 'x'?" or nothing.
    static func didYouMean(_ word: String, among candidates: [String]) -> String {
        Suggestion.closest(to: word, among: candidates).map { "; did you mean '\($0)'?" } ?? ""
    }
}
