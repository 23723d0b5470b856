import ArgumentParser
import GatewayCore

/// When an operator state ends: `--for 2h` from now, or `--until` an RFC 3339 time. Checked
/// before the daemon is asked; the daemon computes `--for` from its own clock.
struct ExpiryOptions: ParsableArguments {
    @Option(name: .customLong("for"), help: ArgumentHelp("How long: \(DurationText.expectation).", valueName: "duration"))
    var duration: String?

    @Option(help: ArgumentHelp("Until this RFC 3339 time (2026-11-27T18:00:00Z).", valueName: "time"))
    var until: String?

    func validate() throws {
        if duration != nil && until != nil {
            throw ValidationError("give --for DURATION or --until TIME, not both")
        }
        if let duration {
            guard let seconds = DurationText.seconds(duration), seconds > 0 else {
                throw ValidationError("--for takes \(DurationText.expectation); got '\(duration)'")
            }
        }
        if let until, RFC3339.parse(until) == nil {
            throw ValidationError(
                "--until takes an RFC 3339 time such as 2026-11-27T18:00:00Z; got '\(until)' (for a span from now use --for 2h)")
        }
    }

    /// Neither given.
    var isEmpty: Bool { duration == nil && until == nil }

    /// The request's `for` / `until` fields (`until` normalized to UTC).
    var fields: [String: String?] {
        ["for": duration, "until": until.flatMap(RFC3339.parse).map(RFC3339.format)]
    }
}
