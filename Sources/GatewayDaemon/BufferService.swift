import Foundation
import GatewayForward
import Logging
import ServiceLifecycle

/// Runs the buffer policy on a thread of its own, as a ServiceLifecycle service (like
/// `ForwardService`: its passes block on SQLite and must stay off the concurrency pool).
final class BufferService: Service {
    private let enforcer: BufferEnforcer

    init(enforcer: BufferEnforcer) {
        self.enforcer = enforcer
    }

    func run() async throws {
        let enforcer = self.enforcer
        await withTaskCancellationOrGracefulShutdownHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let thread = Thread {
                    enforcer.run()
                    continuation.resume()
                }
                thread.name = "buffer-policy"
                thread.start()
            }
        } onCancelOrGracefulShutdown: {
            enforcer.stop()
        }
    }
}
