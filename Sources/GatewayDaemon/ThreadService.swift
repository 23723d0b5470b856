import Foundation
import Logging
import ServiceLifecycle

/// A blocking loop run on a thread of its own, as a ServiceLifecycle service: the MQTT ingest loop
/// (it blocks in poll(2) and commits to SQLite synchronously), the uplink forwarder (database
/// reads, waits for acknowledgements) and the buffer policy (chunked deletes). None of them may run
/// on the Swift concurrency pool — two threads on this hardware.
///
/// On graceful shutdown or cancellation it calls `stop`, and `run()` returns only once the loop
/// has: the ingest client first finishes the batch in hand (commit, then acks), publishes
/// `offline` and disconnects, so the store can be closed after it. Services listed earlier in the
/// group are shut down later.
final class ThreadService: Service {
    private let name: String
    private let loop: @Sendable () throws -> Void
    private let stop: @Sendable () -> Void
    private let stoppedEvent: Logger.Message
    private let logger: Logger

    /// - Parameters:
    ///   - name: the thread's name (shown by `top -H`, `ps -L`).
    ///   - loop: runs until `stop` is called; a thrown error fails the service.
    ///   - stoppedEvent: logged at info once the loop has returned.
    init(
        name: String, stoppedEvent: Logger.Message, logger: Logger, loop: @escaping @Sendable () throws -> Void,
        stop: @escaping @Sendable () -> Void
    ) {
        self.name = name
        self.loop = loop
        self.stop = stop
        self.stoppedEvent = stoppedEvent
        self.logger = logger
    }

    func run() async throws {
        let (name, loop, stop) = (self.name, self.loop, self.stop)
        try await withTaskCancellationOrGracefulShutdownHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let thread = Thread {
                    do {
                        try loop()
                        continuation.resume()
                    } catch {
                        continuation.resume(throwing: error)
                    }
                }
                thread.name = name
                thread.start()
            }
        } onCancelOrGracefulShutdown: {
            stop()
        }
        logger.info(stoppedEvent)
    }
}
