import GatewayForward
import ServiceLifecycle

/// Runs the webhooks (`notify.webhooks`) as a ServiceLifecycle service: asynchronous HTTP on
/// NIO's event loops, so unlike the uplink it needs no thread of its own. Cancelled on graceful
/// shutdown; an event in flight is sent again at the next start (its cursor was not saved).
final class NotifyService: Service {
    private let dispatcher: WebhookDispatcher

    init(dispatcher: WebhookDispatcher) {
        self.dispatcher = dispatcher
    }

    func run() async throws {
        let dispatcher = self.dispatcher
        await cancelWhenGracefulShutdown { await dispatcher.run() }
    }
}
