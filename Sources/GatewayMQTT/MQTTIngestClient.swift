import GatewayCore
import Logging
import Synchronization

/// The gateway's MQTT subscriber: reads messages in batches, hands each batch to a handler, and
/// acknowledges a batch only after the handler has made it durable.
///
/// Why it is built this way (DESIGN §2): libmosquitto queues a QoS 1 PUBACK *before* it calls
/// `on_message`. In threaded mode with an external loop, queued packets are only written by our own
/// `mosquitto_loop_write`, so the loop is: `poll` → `mosquitto_loop_read` until the socket is drained or
/// `maxBatchMessages` are read → `handler.handle(batch)` (one commit) → `mosquitto_loop_write` (all the
/// batch's PUBACKs) → `mosquitto_loop_misc` (keepalive). A handler that throws gets the connection dropped
/// without flushing, so the broker redelivers. The loop reconnects forever with jittered exponential
/// backoff on a monotonic clock — a gateway must survive booting before its broker.
///
/// `run()` blocks its calling thread (give it a dedicated `Thread`); `stop()` may be called from anywhere.
/// A client runs once: after `stop()`, `run()` returns at once.
public final class MQTTIngestClient: Sendable {
    public let options: MQTTClientOptions
    let handler: any MQTTBatchHandler
    let logger: Logger
    let clock: any WallClock
    /// Called on the loop thread at least about once a second while `run()` runs (see `init`).
    let heartbeat: @Sendable () -> Void
    let state = Mutex(State())

    struct State {
        var stopRequested = false
        var running = false
        var wake: WakePipe?
        var connected = false
        var connects = 0
        var messagesReceived = 0
        var batchesHandled = 0
        /// Set by `replaceSubscriptions(_:)`, taken by the loop between two batches.
        var requestedSubscriptions: [MQTTSubscription]?
        /// Set by `setPaused(_:)`: the loop disconnects gracefully and does not reconnect until cleared.
        var pauseRequested = false
        var pauses = 0
    }

    /// - Parameters:
    ///   - clock: stamps `InboundMessage.receivedAt`; inject one in tests.
    ///   - heartbeat: called on the loop thread itself, between batches and while backing off, at
    ///     least about once a second while the loop is healthy. The daemon sends systemd's
    ///     `WATCHDOG=1` from it: a loop that hangs (a stuck commit, a wedged library call) stops
    ///     calling it, and systemd restarts the process. Must return quickly.
    public init(
        options: MQTTClientOptions, handler: any MQTTBatchHandler, logger: Logger,
        clock: any WallClock = SystemWallClock(), heartbeat: @escaping @Sendable () -> Void = {}
    ) {
        self.options = options
        self.handler = handler
        self.logger = logger
        self.clock = clock
        self.heartbeat = heartbeat
    }

    /// Connects, subscribes and runs the batch loop on the calling thread until `stop()`.
    ///
    /// Connection failures are retried forever and reported through the handler and the log, not thrown.
    /// Throws only for what retrying cannot fix: invalid options, a library that refuses its arguments
    /// (`MOSQ_ERR_INVAL`, `MOSQ_ERR_NOMEM`, `MOSQ_ERR_NOT_SUPPORTED`), or a second concurrent `run()`.
    public func run() throws {
        try options.validate()
        let wake = try WakePipe()
        defer { wake.closeBoth() }
        let proceed = try state.withLock { state -> Bool in
            if state.running {
                throw MQTTError(kind: .invalidOptions, message: "run() is already running on another thread", context: "MQTTIngestClient.run")
            }
            if state.stopRequested { return false }
            state.running = true
            state.wake = wake
            return true
        }
        guard proceed else { return }
        defer {
            state.withLock { state in
                state.running = false
                state.connected = false
                state.wake = nil
            }
        }
        let connection = try IngestConnection(options: options, handler: handler, logger: logger, clock: clock)
        defer { connection.close() }
        logger.info("MQTT ingest client starting", metadata: connection.metadata([
            "mqtt.protocol": "\(options.broker.protocolVersion.rawValue)", "mqtt.session": "\(options.broker.session.rawValue)",
            "mqtt.libmosquitto": "\(MosquittoLibrary.version)",
        ]))
        for subscription in options.subscriptions where subscription.qos == 2 {
            // libmosquitto 2.0 keeps a QoS 2 message in memory between PUBREC and PUBREL: a crash there
            // loses it (DESIGN §2). QoS 1 with deduplication is the safe choice.
            logger.warning("MQTT QoS 2 subscription is not crash-safe; prefer QoS 1", metadata: connection.metadata([
                "mqtt.topic": "\(subscription.filter)",
            ]))
        }
        try runConnections(connection, wake: wake)
        logger.info("MQTT ingest client stopped", metadata: connection.metadata())
    }

    /// Asks `run()` to return: it finishes the batch in hand (and writes its acknowledgements), publishes
    /// the retained `offline` status, disconnects cleanly and returns. Thread-safe; returns immediately.
    public func stop() {
        state.withLock { state in
            state.stopRequested = true
            state.wake?.wake()
        }
    }

    /// Whether the broker has accepted the current connection.
    public var isConnected: Bool { state.withLock { $0.connected } }
    /// Connections accepted by the broker after the first one.
    public var reconnects: Int { state.withLock { max($0.connects - 1, 0) } }
    /// Messages handed to the handler in batches it accepted (made durable).
    public var messagesReceived: Int { state.withLock { $0.messagesReceived } }
    /// Batches the handler accepted.
    public var batchesHandled: Int { state.withLock { $0.batchesHandled } }

    var isStopRequested: Bool { state.withLock { $0.stopRequested } }
    var isPauseRequested: Bool { state.withLock { $0.pauseRequested } }

    /// Pauses or resumes reading from the broker (`buffer.when_full: pause_ingest`). Thread-safe;
    /// returns immediately.
    ///
    /// A pause **disconnects gracefully** (MQTT DISCONNECT, reason 0: no last will) after the batch in
    /// hand is committed and acknowledged, and connects again when resumed. Disconnecting rather than
    /// merely not reading the socket, because of how a broker treats each (DESIGN §2):
    /// - while we are connected but not reading, the broker still sends up to Receive Maximum messages
    ///   that sit unacknowledged in our socket buffer, our keepalive answers (PINGRESP) are not read
    ///   and libmosquitto drops the connection after 1.5 × keepalive anyway — an ungraceful end that
    ///   publishes our last will;
    /// - while we are disconnected with a persistent session (MQTT 3.1.1 `clean_session=false`,
    ///   MQTT 5 Session Expiry Interval `broker.session_expiry`), the broker queues every QoS 1 message
    ///   for us in its own store, up to its `max_queued_messages` / `max_queued_bytes`, and delivers
    ///   them on the next connection. Nothing acknowledged is lost either way: we acknowledge only
    ///   what we committed. A pause longer than the session expiry loses the session: the next
    ///   CONNACK says session-present = 0 and the gateway records a `possible_data_gap` event.
    public func setPaused(_ paused: Bool) {
        state.withLock { state in
            guard state.pauseRequested != paused else { return }
            state.pauseRequested = paused
            if paused { state.pauses += 1 }
            state.wake?.wake()
        }
    }

    /// Whether reading is paused (asked to pause; the disconnect may still be in progress).
    public var isPaused: Bool { isPauseRequested }
    /// Pauses asked for since start.
    public var pauses: Int { state.withLock { $0.pauses } }
}
