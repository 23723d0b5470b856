import GatewayCore

/// Keeps a wall-clock step from mass-deleting readings through retention.
///
/// Retention deletes readings *received* before `now - retention`. `now` is the wall clock, which
/// can jump: an NTP correction after a boot without RTC, an operator typo, a GPS receiver's week
/// rollover. Taken at face value, a jump of +10 years makes every reading "old" at once. The safe
/// rule chosen here: **the cutoff may only move forward as fast as real time passes** — at most twice
/// the monotonic time elapsed since the previous pass, plus `slackMillis` — starting from the cutoff
/// the previous pass used (kept in the store, so a restart under a jumped clock is covered too).
///
/// - In steady operation the cutoff advances by the pass interval, far inside the allowance.
/// - After a forward step the cutoff lags `now - retention` by the step and catches up at (2 − 1)×
///   real time: a +10 y step deletes nothing extra in practice; a +1 h step is absorbed within an hour.
///   The daemon logs `buffer.retention_held_back` while it lags, so an operator sees the clock problem.
/// - After a backward step the cutoff follows the clock back at once (deleting less is always safe).
/// - After a restart the monotonic clock restarts too: the first pass allows only `slackMillis`. A
///   store that was switched off for weeks therefore catches up on retention at twice real time
///   instead of in one pass; the size bound (`max_bytes`) still holds meanwhile.
/// - The very first pass on a store (no saved cutoff) uses `now - retention` as it stands.
public enum RetentionClockGuard {
    /// Allowance on top of twice the elapsed time: covers pass-interval jitter.
    public static let slackMillis: Int64 = 60_000

    /// The cutoff to use this pass.
    /// - Parameters:
    ///   - wanted: `now - retention` by the wall clock.
    ///   - previous: the cutoff the last pass used, if any.
    ///   - elapsed: monotonic time since the last pass of this process; `nil` for its first pass.
    public static func cutoff(wanted: EpochMillis, previous: EpochMillis?, elapsed: Duration?) -> EpochMillis {
        guard let previous else { return wanted }
        let elapsedMillis = elapsed.map { Int64($0.components.seconds) * 1000 + Int64($0.components.attoseconds / 1_000_000_000_000_000) } ?? 0
        let allowed = previous + 2 * max(0, elapsedMillis) + slackMillis
        return min(wanted, allowed)
    }
}
