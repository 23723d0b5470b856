import Foundation

/// Polls `condition` until it holds or `timeoutSeconds` pass; returns whether it held.
///
/// The timeout means "it never happened", so make it generous: tests assert what happened, never how
/// fast (DESIGN §7). Polling is the wait mechanism; the short pause between polls is not.
@discardableResult
public func eventually(
    timeoutSeconds: Double = 30, pollMilliseconds: Int = 10, _ condition: () throws -> Bool
) rethrows -> Bool {
    let deadline = ContinuousClock.now + .milliseconds(Int(timeoutSeconds * 1000))
    while true {
        if try condition() { return true }
        if ContinuousClock.now >= deadline { return false }
        Thread.sleep(forTimeInterval: Double(pollMilliseconds) / 1000)
    }
}

/// The async form of `eventually`, sleeping with `Task.sleep` between polls.
@discardableResult
public func eventually(
    timeoutSeconds: Double = 30, pollMilliseconds: Int = 10, _ condition: () async throws -> Bool
) async rethrows -> Bool {
    let deadline = ContinuousClock.now + .milliseconds(Int(timeoutSeconds * 1000))
    while true {
        if try await condition() { return true }
        if ContinuousClock.now >= deadline { return false }
        try? await Task.sleep(for: .milliseconds(pollMilliseconds))
    }
}
