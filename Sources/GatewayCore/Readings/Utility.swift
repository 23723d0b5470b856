/// The kind of network a reading comes from. The set is closed on purpose: rule packs, topics and
/// upstream consumers all key on it, so a typo must be an error rather than a fourth utility.
public enum Utility: String, Sendable, Hashable, CaseIterable, Codable {
    case water
    case power
    case gas
}
