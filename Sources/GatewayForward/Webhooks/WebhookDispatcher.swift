import AsyncHTTPClient
import CoreMetrics
import GatewayCore
import GatewayStore
import Logging

/// Runs every configured webhook (`notify.webhooks`) side by side, on one HTTP client.
///
/// The HTTP client is made in `run()` and shut down when it returns, never earlier: AsyncHTTPClient
/// requires a shutdown for every client made, and a daemon that fails to start must not leave one.
/// Redirects are refused: a 3xx could lead the POST to a plain-http host the configuration check
/// would have refused. The client's own connection retries are off (see `run()`).
public final class WebhookDispatcher: Sendable {
    /// One configured webhook with what the daemon read for it at start.
    public struct Webhook: Sendable {
        public var settings: WebhookSettings
        public var secret: [UInt8]
        public var startCursors: ForwardCursors
        public var monitor: WebhookMonitor

        public init(settings: WebhookSettings, secret: [UInt8], startCursors: ForwardCursors, monitor: WebhookMonitor) {
            self.settings = settings
            self.secret = secret
            self.startCursors = startCursors
            self.monitor = monitor
        }
    }

    public let webhooks: [Webhook]
    let gatewayID: String
    let outbox: ForwardOutbox
    let logger: Logger
    let pollInterval: Duration

    public init(
        webhooks: [Webhook], gatewayID: String, outbox: ForwardOutbox, logger: Logger,
        pollInterval: Duration = .milliseconds(500)
    ) {
        self.webhooks = webhooks
        self.gatewayID = gatewayID
        self.outbox = outbox
        self.logger = logger
        self.pollInterval = pollInterval
    }

    /// Delivers until the task is cancelled, then shuts the HTTP client down.
    public func run() async {
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow)
        // A refused or failed connection fails the attempt at once: the notifier retries with its
        // own backoff and counts and logs every failure. (The client's own retries would hold the
        // request silently until its deadline.)
        configuration.connectionPool.retryConnectionEstablishment = false
        let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
        await withTaskGroup(of: Void.self) { group in
            for webhook in webhooks {
                let notifier = WebhookNotifier(
                    settings: webhook.settings, secret: webhook.secret, gatewayID: gatewayID, outbox: outbox,
                    client: client, startCursors: webhook.startCursors, monitor: webhook.monitor, logger: logger,
                    pollInterval: pollInterval)
                group.addTask { await notifier.run() }
            }
        }
        do {
            try await client.shutdown()
        } catch {
            logger.warning("webhook.client_shutdown_failed", metadata: ["error": "\(error)"])
        }
    }

    /// Closes the store connection, after `run()` returned.
    public func close() throws {
        try outbox.close()
    }
}
