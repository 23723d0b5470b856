import Dispatch
import Synchronization

/// Wakes the thread that runs the stages after the store (the rules) when a commit left readings
/// for them. Wake-ups coalesce: however many commits happen while the thread is busy, it finds one
/// wake-up waiting, and takes everything they stored in one go.
final class StageWakeup: Sendable {
    private let semaphore = DispatchSemaphore(value: 0)
    /// Whether a wake-up is waiting; keeps the semaphore's count at most one.
    private let pending = Atomic<Bool>(false)

    func signal() {
        if !pending.exchange(true, ordering: .acquiringAndReleasing) { semaphore.signal() }
    }

    /// Returns at the next wake-up, or after `timeout` without one.
    func wait(timeout: Duration) {
        let (seconds, attoseconds) = timeout.components
        let nanoseconds = Int(seconds) * 1_000_000_000 + Int(attoseconds / 1_000_000_000)
        _ = semaphore.wait(timeout: .now() + .nanoseconds(nanoseconds))
        pending.store(false, ordering: .releasing)
    }
}
