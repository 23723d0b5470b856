/// A format's own options as the operator wrote them — the sub-map named after the route's format
/// (`json:`, `xml:`, `csv:`, `senml:`, `influx:`) — kept as a plain tree of text.
///
/// The configuration loader does not know each format's keys: the adapter that owns a format
/// validates its sub-map once, at start-up, and names the key path of every problem, which the
/// loader's source map turns into a file and line. One format's options live in one place: its
/// adapter.
public indirect enum OptionValue: Sendable, Hashable {
    /// A scalar exactly as written (`true`, `64`, `"/a/b"`); the adapter interprets it.
    case scalar(String)
    case list([OptionValue])
    /// Entries in the order written.
    case map([OptionEntry])

    /// What the value is, for "expected X; got Y" messages.
    public var kindName: String {
        switch self {
        case .scalar(let text): "'\(text)'"
        case .list: "a list"
        case .map: "a mapping"
        }
    }
}

/// One `key: value` of an `OptionValue.map`.
public struct OptionEntry: Sendable, Hashable {
    public var key: String
    public var value: OptionValue

    public init(key: String, value: OptionValue) {
        self.key = key
        self.value = value
    }
}
