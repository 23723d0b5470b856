/// A point in time as operators type it, in the CLI (`--since 90m`) and the API (`?since=1h`): a
/// duration back from now (`90m`, `1h`, `7d`) or an RFC 3339 timestamp (`2026-11-27T08:00:00Z`).
public enum TimeExpression {
    /// What to say when a text is neither.
    public static let expectation = "a duration back from now (90m, 1h, 7d) or an RFC 3339 time (2026-11-27T08:00:00Z)"

    /// The instant `text` names, relative to `now`; `nil` when it is neither form.
    public static func parse(_ text: String, now: EpochMillis) -> EpochMillis? {
        if let seconds = DurationText.seconds(text) { return now - EpochMillis(seconds * 1000) }
        return RFC3339.parse(text)
    }
}
