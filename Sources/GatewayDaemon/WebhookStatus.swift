import GatewayCore
import GatewayForward
import GatewayQuery

extension WebhookDispatcher {
    /// The webhooks' part of the status document, in configured order.
    func webhookStates() -> [GatewayStatus.WebhookState] {
        webhooks.map { webhook in
            let s = webhook.monitor.snapshot
            return GatewayStatus.WebhookState(
                name: s.name, url: s.url, state: s.state, delivered: s.delivered, failedAttempts: s.failedAttempts,
                consecutiveFailures: s.consecutiveFailures, filtered: s.filtered, pending: s.pending,
                lastDelivered: s.lastDeliveredAt.map(RFC3339.format), lastError: s.lastError,
                lastErrorAt: s.lastErrorAt.map(RFC3339.format))
        }
    }
}
