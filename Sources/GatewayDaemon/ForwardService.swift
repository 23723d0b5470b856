import Foundation
import GatewayForward
import Logging
import ServiceLifecycle

/// Runs the uplink forwarder on a thread of its own, as a ServiceLifecycle service.
///
/// Like the ingest loop it blocks (database reads, waits for acknowledgements), so it stays off
/// the Swift concurrency pool. Listed before the ingest service, it is shut down after it: the
/// forwarder is the last to let go of the store's connections it uses.
final class ForwardService: Service {
    private let forwarder: UplinkForwarder
    private let logger: Logger

    init(forwarder: UplinkForwarder, logger: Logger) {
        self.forwarder = forwarder
        self.logger = logger
    }

    func run() async throws {
        let forwarder = self.forwarder
        await withTaskCancellationOrGracefulShutdownHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let thread = Thread {
                    forwarder.run()
                    continuation.resume()
                }
                thread.name = "uplink-forward"
                thread.start()
            }
        } onCancelOrGracefulShutdown: {
            forwarder.stop()
        }
        logger.info("uplink.service_stopped")
    }
}
