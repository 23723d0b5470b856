import Dispatch
import GatewayCore
import GatewayMQTT
import GatewayStore
import Logging
import Synchronization

/// Store-and-forward: publishes what the store holds to the central broker and records, per stream,
/// how far the broker has acknowledged (issue 6).
///
/// Why it is built this way:
/// - The store is the queue (`ForwardOutbox`): nothing is copied, a crash loses nothing, and after a
///   restart forwarding resumes after the last acknowledged record. Records between that cursor and
///   what the broker really had are sent again — duplicates the central side drops by
///   (gateway, generation, seq) — never gaps.
/// - Its own thread, its own database connection and its own libmosquitto client (`MQTTPublisher`,
///   library network thread): ingest never waits for the uplink, however slow or absent it is.
/// - Alert and ticket events go first: before every batch of readings, pending events are published
///   (one per message), so after an outage the central side learns of alarms before it catches up on
///   the backlog of readings.
/// - A lost connection throws the whole client away and reconnects after a decorrelated-jitter
///   backoff (monotonic clock), re-reading from the saved cursors; what was in flight is simply sent
///   again. This keeps one code path for every failure, and many gateways that lost the same central
///   broker do not return in lock-step.
///
/// `run()` blocks its thread until `stop()`; `stop()` may be called from anywhere.
public final class UplinkForwarder: Sendable {
    public let settings: UplinkSettings
    public let monitor: UplinkMonitor
    let password: String?
    let gatewayID: String
    let outbox: ForwardOutbox
    let logger: Logger
    let clock: any WallClock
    /// Messages allowed to await their PUBACK (DESIGN §3: 20–100 in flight is fast).
    let maxInFlight: Int
    let connackTimeout: Duration = .seconds(30)
    let gracefulStopTimeout: Duration = .seconds(5)
    /// How often the backlog is counted for the status and the pending gauges.
    let backlogInterval: Duration = .seconds(2)
    /// At most this often is the cursor written: each write takes the database's write lock, which
    /// the ingest commits also need. A crash loses at most this much cursor progress (those records
    /// are sent again, as duplicates).
    let saveInterval: Duration = .milliseconds(100)

    /// When the backlog was last counted (monotonic), so that it stays fresh while the link is down too.
    let lastBacklogAt = Mutex<ContinuousClock.Instant?>(nil)
    let acknowledgements = Mutex<[Int32]>([])
    let wake = DispatchSemaphore(value: 0)
    let stopRequested = Atomic<Bool>(false)

    public init(
        settings: UplinkSettings, password: String?, gatewayID: String, outbox: ForwardOutbox, monitor: UplinkMonitor,
        logger: Logger, clock: any WallClock = SystemWallClock(), maxInFlight: Int = 32
    ) {
        self.settings = settings
        self.password = password
        self.gatewayID = gatewayID
        self.outbox = outbox
        self.monitor = monitor
        self.logger = logger
        self.clock = clock
        self.maxInFlight = max(1, maxInFlight)
    }

    /// Asks `run()` to finish: it waits briefly for the acknowledgements in flight (and saves them),
    /// publishes the retained `offline` status, disconnects and returns.
    public func stop() {
        stopRequested.store(true, ordering: .relaxed)
        wake.signal()
    }

    var isStopping: Bool { stopRequested.load(ordering: .relaxed) }

    /// Connects, forwards, backs off and reconnects until `stop()`. Never throws: every failure is
    /// retried (an uplink that is down for days is the normal case this exists for).
    public func run() {
        var backoff = DecorrelatedJitterBackoff(settings.reconnect)
        var acknowledged = ForwardCursors()
        while true {
            do {
                acknowledged = try outbox.cursors()
                break
            } catch {
                logger.error("uplink.cursor_read_failed", metadata: metadata(["error": "\(error)"]))
                if pause(seconds: backoff.nextDelay()) { return }
            }
        }
        backoff.reset()
        logger.info("uplink.starting", metadata: metadata([
            "uplink.cursor.readings": "\(acknowledged.readings)", "uplink.cursor.alert_history": "\(acknowledged.alertHistory)",
            "uplink.cursor.ticket_history": "\(acknowledged.ticketHistory)",
        ]))
        connections: while !isStopping {
            let publisher: MQTTPublisher
            switch connect() {
            case .success(let connected):
                publisher = connected
            case .failure(let reason):
                monitor.linkChanged("disconnected", reason: reason)
                logger.warning("uplink.connect_failed", metadata: metadata(["reason": "\(reason)"]))
                if pause(seconds: backoff.nextDelay(), measuring: acknowledged) { break connections }
                continue
            }
            backoff.reset()
            monitor.linkChanged("connected", reason: nil)
            logger.info("uplink.connected", metadata: metadata())
            publishStatus("online", on: publisher)
            switch serve(publisher, acknowledged: &acknowledged) {
            case .stopped:
                finish(publisher, acknowledged: acknowledged)
                logger.info("uplink.stopped", metadata: metadata())
                return
            case .lost(let reason):
                publisher.disconnect()
                monitor.linkChanged("disconnected", reason: reason)
                let delay = backoff.nextDelay()
                logger.warning("uplink.connection_lost", metadata: metadata([
                    "reason": "\(reason)", "uplink.reconnect_delay_seconds": "\(delay)",
                ]))
                if pause(seconds: delay, measuring: acknowledged) { break connections }
            }
        }
        logger.info("uplink.stopped", metadata: metadata())
    }

    enum ConnectResult {
        case success(MQTTPublisher)
        case failure(String)
    }

    /// A new client, connected and accepted (CONNACK success), or why not.
    func connect() -> ConnectResult {
        var options = MQTTPublisherOptions(
            url: settings.url, clientID: settings.clientID, protocolVersion: settings.protocolVersion, cleanSession: true,
            username: settings.username, password: password, tls: settings.tls)
        options.maxInFlight = maxInFlight
        options.keepaliveSeconds = settings.keepaliveSeconds
        options.will = MQTTWill(
            topic: settings.statusTopic,
            payload: UplinkMessages.status("offline", gateway: gatewayID, generation: outbox.generation, since: nil),
            qos: 1, retain: true)
        let publisher: MQTTPublisher
        do {
            publisher = try MQTTPublisher(options: options, logger: logger, onAcknowledged: { [weak self] mid in
                self?.brokerAcknowledged(mid)
            })
        } catch {
            return .failure("\(error)")
        }
        let deadline = ContinuousClock.now + connackTimeout
        while !publisher.isConnected {
            if let problem = publisher.lastConnectionProblem {
                publisher.disconnect()
                return .failure(problem)
            }
            if isStopping || ContinuousClock.now >= deadline {
                publisher.disconnect()
                return .failure(isStopping ? "stopping" : "no CONNACK within \(connackTimeout)")
            }
            _ = wake.wait(timeout: .now() + .milliseconds(20))
        }
        return .success(publisher)
    }

    /// From libmosquitto's thread: only queue the id and wake the forwarder's thread, which owns
    /// the window.
    func brokerAcknowledged(_ mid: Int32) {
        acknowledgements.withLock { $0.append(mid) }
        wake.signal()
    }

    /// Waits `seconds` on the monotonic clock, or until `stop()`. True when stopping. With
    /// `measuring`, keeps counting the backlog after those cursors meanwhile (an outage is when
    /// operators watch it grow).
    func pause(seconds: Double, measuring cursors: ForwardCursors? = nil) -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(Int64(max(0, seconds) * 1000))
        while !isStopping && ContinuousClock.now < deadline {
            if let cursors { measureBacklogIfDue(after: cursors) }
            _ = wake.wait(timeout: .now() + .milliseconds(100))
        }
        return isStopping
    }

    func publishStatus(_ state: String, on publisher: MQTTPublisher) {
        let payload = UplinkMessages.status(state, gateway: gatewayID, generation: outbox.generation, since: clock.now())
        do {
            try publisher.publish(topic: settings.statusTopic, payload: payload, qos: 1, retain: true)
        } catch {
            logger.warning("uplink.status_publish_failed", metadata: metadata(["error": "\(error)"]))
        }
    }

    /// Log metadata shared by every message of the forwarder.
    func metadata(_ extra: Logger.Metadata = [:]) -> Logger.Metadata {
        var result: Logger.Metadata = ["uplink.broker": "\(settings.url)", "uplink.client_id": "\(settings.clientID)"]
        result.merge(extra) { _, new in new }
        return result
    }
}
