import GatewayRules

/// The `state` filter of `GET /api/v1/alerts`: one state, a comma list of them, `open` (every
/// state but `cleared`: what still needs an operator; the default) or `all`.
enum AlertStateSelection {
    static let expectation =
        "one of pending, active_unack, active_ack, cleared_unack, cleared, open (all but cleared) or all, or a comma list of states"

    /// The store's state codes to match; empty for any.
    static func parse(_ text: String?) throws(APIError) -> Set<String> {
        guard let text else { return open }
        var states: Set<String> = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let word = part.trimmingCharacters(in: .whitespaces)
            switch word {
            case "all": return []
            case "open": states.formUnion(open)
            default:
                guard let state = AlertState(rawValue: word) else {
                    throw .badParameter("state", "'\(word)' is not \(expectation)")
                }
                states.insert(state.rawValue)
            }
        }
        return states.count == AlertState.allCases.count ? [] : states
    }

    static let open = Set(AlertState.allCases.filter { $0 != .cleared }.map(\.rawValue))
}
