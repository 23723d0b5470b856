import Foundation
import GatewayMQTT
import Logging
import ServiceLifecycle

/// Runs the MQTT ingest loop on a thread of its own, as a ServiceLifecycle service.
///
/// The loop blocks in poll(2) and commits to SQLite synchronously, so it must not run on the Swift
/// concurrency pool (two threads on this hardware). On graceful shutdown or cancellation it asks the
/// client to stop: the client finishes the batch in hand (commit, then acks), publishes `offline`
/// and disconnects; only then does `run()` return, so the store can be closed after it.
final class IngestService: Service {
    private let client: MQTTIngestClient
    private let logger: Logger

    init(client: MQTTIngestClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    func run() async throws {
        let client = self.client
        try await withTaskCancellationOrGracefulShutdownHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let thread = Thread {
                    do {
                        try client.run()
                        continuation.resume()
                    } catch {
                        continuation.resume(throwing: error)
                    }
                }
                thread.name = "mqtt-ingest"
                thread.start()
            }
        } onCancelOrGracefulShutdown: {
            client.stop()
        }
        logger.info("ingest.stopped")
    }
}
