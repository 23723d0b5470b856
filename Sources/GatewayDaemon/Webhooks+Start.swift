import GatewayConfig
import GatewayCore
import GatewayForward
import GatewayStore
import Logging
import Prometheus

extension GatewayDaemon {
    /// The webhooks of `notify:` with their secrets and cursors, read at start — before the rules
    /// stage can append an event, so that a webhook seen for the first time starts exactly at the
    /// newest event (see `ForwardOutbox+Webhooks.swift`). `nil` when none is configured.
    static func startWebhooks(
        _ configuration: GatewayConfiguration, metricsFactory: PrometheusMetricsFactory, logger: Logger
    ) throws -> WebhookDispatcher? {
        guard !configuration.notify.webhooks.isEmpty else { return nil }
        // A connection of its own: webhook reads and cursor writes never queue behind the uplink's.
        let outbox = try ForwardOutbox(path: configuration.gateway.databasePath, synchronous: configuration.storage.synchronous)
        var webhooks: [WebhookDispatcher.Webhook] = []
        for settings in configuration.notify.webhooks {
            guard let secretFile = settings.secretFile else {
                throw SecretFileError(path: "notify.webhooks.\(settings.name)", reason: "no secret file is configured")
            }
            let secret = Array(try ConfigurationLoader.readSecret(path: secretFile).utf8)
            let cursors = try outbox.startWebhook(name: settings.name, now: SystemWallClock().now())
            let monitor = WebhookMonitor(name: settings.name, url: settings.url.redacted, metricsFactory: metricsFactory)
            webhooks.append(.init(settings: settings, secret: secret, startCursors: cursors, monitor: monitor))
        }
        return WebhookDispatcher(webhooks: webhooks, gatewayID: configuration.gateway.id, outbox: outbox, logger: logger)
    }
}
