import AsyncHTTPClient
import GatewayCore
import GatewayMQTT
import GatewayStore
import Logging
import NIOCore
import NIOHTTP1

/// Delivers alert and ticket events to one webhook: one signed POST per event, in history order,
/// each retried until the receiver answers 2xx (issue 6, item 4).
///
/// Why it is built this way:
/// - The store is the queue, as for the uplink: the webhook's own cursors in `forward_cursor`
///   (`webhook:<name>:…`) move only after a 2xx, so a receiver that is down, answers 500 or refuses
///   connections for days loses nothing, and a `kill -9` resends at most the event in hand — a
///   duplicate the receiver drops by (gateway, generation, stream, seq).
/// - Strictly one event at a time: an event is retried until it is accepted and only then does the
///   next one go, so every receiver sees each history in order. A receiver that refuses one event
///   for good (a 4xx) holds the webhook up; the status shows it (`retrying`, the last error), and
///   the log says which event.
/// - Events the webhook's `events` list does not name are skipped: their cursor moves on.
/// - Delays between attempts are decorrelated jitter on the monotonic clock (`Task.sleep`), so many
///   gateways do not hammer a receiver that comes back, and clock steps change nothing.
public final class WebhookNotifier: Sendable {
    public let settings: WebhookSettings
    public let monitor: WebhookMonitor
    let secret: [UInt8]
    let gatewayID: String
    let outbox: ForwardOutbox
    let client: HTTPClient
    let startCursors: ForwardCursors
    let logger: Logger
    let clock: any WallClock
    /// How often the store is asked for new events while nothing waits.
    let pollInterval: Duration
    /// How often the pending count is measured for the status and the gauge.
    let pendingInterval: Duration = .seconds(2)
    let batchLimit = 50

    /// - Parameter startCursors: from `ForwardOutbox.startWebhook(name:now:)`, read before any
    ///   service started.
    public init(
        settings: WebhookSettings, secret: [UInt8], gatewayID: String, outbox: ForwardOutbox, client: HTTPClient,
        startCursors: ForwardCursors, monitor: WebhookMonitor, logger: Logger, clock: any WallClock = SystemWallClock(),
        pollInterval: Duration = .milliseconds(500)
    ) {
        self.settings = settings
        self.secret = secret
        self.gatewayID = gatewayID
        self.outbox = outbox
        self.client = client
        self.startCursors = startCursors
        self.monitor = monitor
        self.logger = logger
        self.clock = clock
        self.pollInterval = pollInterval
    }

    /// Delivers until the task is cancelled. Never throws: every failure is retried.
    public func run() async {
        var cursors = startCursors
        var saved = cursors
        var backoff = DecorrelatedJitterBackoff(settings.retry)
        var measuredAt: ContinuousClock.Instant?
        logger.info("webhook.starting", metadata: metadata([
            "webhook.cursor.alert_history": "\(cursors.alertHistory)",
            "webhook.cursor.ticket_history": "\(cursors.ticketHistory)",
        ]))
        while !Task.isCancelled {
            if measuredAt.map({ ContinuousClock.now - $0 >= pendingInterval }) ?? true {
                measuredAt = ContinuousClock.now
                if let count = try? await outbox.webhookPending(after: cursors) { monitor.pendingMeasured(count) }
            }
            let events: [OutboxEvent]
            do {
                events = try await outbox.webhookEvents(after: cursors, limit: batchLimit)
            } catch {
                logger.error("webhook.store_read_failed", metadata: metadata(["error": "\(error)"]))
                try? await Task.sleep(for: .seconds(1))
                continue
            }
            if events.isEmpty {
                monitor.idle()
                try? await Task.sleep(for: pollInterval)
                continue
            }
            for event in events {
                let name = EventNames.name(isAlert: event.stream == .alertHistory, kind: event.kind)
                if settings.events.matches(name) {
                    guard await deliver(event, name: name, backoff: &backoff) else { break }
                } else {
                    monitor.filteredOne()
                }
                cursors[event.stream] = event.seq
                // Saved after every event: a crash resends at most the one in hand.
                await save(cursors, saved: &saved)
            }
        }
        logger.info("webhook.stopped", metadata: metadata())
    }

    /// POSTs one event until a 2xx. False when cancelled first.
    func deliver(_ event: OutboxEvent, name: String, backoff: inout DecorrelatedJitterBackoff) async -> Bool {
        let body: [UInt8]
        do {
            body = try UplinkMessages.event(event, gateway: gatewayID, generation: outbox.generation)
        } catch {
            // Our own JSON of our own stored values: cannot happen short of a bug; never block on it.
            logger.error("webhook.encode_failed", metadata: metadata(["error": "\(error)", "webhook.event.seq": "\(event.seq)"]))
            return true
        }
        let signature = WebhookSignature.header(body: body, secret: secret)
        let delivery = "\(gatewayID)/\(outbox.generation)/\(event.stream.rawValue)/\(event.seq)"
        while !Task.isCancelled {
            let problem: String
            do {
                var request = HTTPClientRequest(url: settings.url.text)
                request.method = .POST
                request.headers.add(name: "Content-Type", value: "application/json")
                request.headers.add(name: "User-Agent", value: "utility-gateway/\(GatewayVersion.current)")
                request.headers.add(name: "X-Utility-Gateway-Event", value: name)
                request.headers.add(name: "X-Utility-Gateway-Delivery", value: delivery)
                request.headers.add(name: WebhookSignature.headerName, value: signature)
                request.body = .bytes(ByteBuffer(bytes: body))
                let timeout = TimeAmount.milliseconds(Int64(settings.timeoutSeconds * 1000))
                let response = try await client.execute(request, timeout: timeout)
                // Read the answer to its end so that the connection can be reused; its content is ignored.
                for try await _ in response.body {}
                if (200..<300).contains(response.status.code) {
                    monitor.deliveredOne()
                    backoff.reset()
                    return true
                }
                problem = "HTTP \(response.status.code)"
            } catch {
                if Task.isCancelled { return false }
                problem = "\(error)"
            }
            monitor.attemptFailed(problem)
            let delay = backoff.nextDelay()
            logger.warning("webhook.attempt_failed", metadata: metadata([
                "reason": "\(problem)", "webhook.event": "\(name)", "webhook.delivery": "\(delivery)",
                "webhook.retry_delay_seconds": "\(delay)",
            ]))
            do {
                try await Task.sleep(for: .milliseconds(Int64(delay * 1000)))
            } catch {
                return false
            }
        }
        return false
    }

    /// Writes the cursors when they moved; a failed write is retried with the next event (the
    /// cursor stays right in memory; a crash before it is saved only resends).
    func save(_ cursors: ForwardCursors, saved: inout ForwardCursors) async {
        guard cursors != saved else { return }
        do {
            try await outbox.saveWebhook(name: settings.name, cursors, now: clock.now())
            saved = cursors
        } catch {
            logger.error("webhook.cursor_save_failed", metadata: metadata(["error": "\(error)"]))
        }
    }

    func metadata(_ extra: Logger.Metadata = [:]) -> Logger.Metadata {
        var result: Logger.Metadata = ["webhook.name": "\(settings.name)", "webhook.url": "\(settings.url.redacted)"]
        result.merge(extra) { _, new in new }
        return result
    }
}
