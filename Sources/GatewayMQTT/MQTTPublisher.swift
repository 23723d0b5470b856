import CMosquitto
import Dispatch
import GatewayCore
import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A QoS-aware MQTT publisher with a bounded in-flight window, for the simulator and tests.
///
/// `publish` blocks while `maxInFlight` QoS ≥ 1 messages await their PUBACK, which keeps a flood fast
/// (DESIGN §3) and makes "all acknowledged" a well-defined point to wait for. The network runs on
/// libmosquitto's own thread (`mosquitto_loop_start`), which also reconnects after a lost connection.
///
/// Broker restarts: QoS ≥ 1 messages published while the connection is down are kept in libmosquitto's
/// queue (`mosquitto_publish` answers `MOSQ_ERR_NO_CONN` but has queued the message; the library resends
/// it after the next CONNACK), so `publish` returns their message id and they count toward the window —
/// a publisher keeps sending through a restart, blocking once the window is full until the broker is
/// back. QoS 0 messages published while disconnected are lost, and `publish` throws for them.
/// Limitation: libmosquitto's thread stops reconnecting for good if the broker ends the session with an
/// MQTT 5 DISCONNECT packet (mosquitto 2.0.11 does not send one when it shuts down; an administrative
/// kick would).
public final class MQTTPublisher: Sendable {
    public let options: MQTTPublisherOptions
    private let handle: MosquittoHandle
    private let core: PublisherCore
    private let logger: Logger

    /// Connects (blocking) and starts the network thread. Throws when the broker cannot be reached.
    ///
    /// - Parameter onAcknowledged: called on libmosquitto's thread with the message id of every QoS ≥ 1
    ///   message the broker acknowledged.
    public init(
        options: MQTTPublisherOptions, logger: Logger = Logger(label: "gateway.mqtt.publisher"),
        onAcknowledged: (@Sendable (Int32) -> Void)? = nil
    ) throws {
        try MosquittoLibrary.ensureInitialised()
        guard options.maxInFlight >= 1 else { throw MQTTError.invalidOptions("max in flight must be at least 1, got \(options.maxInFlight)") }
        self.options = options
        self.logger = logger
        let core = PublisherCore(maxInFlight: options.maxInFlight, onAcknowledged: onAcknowledged)
        self.core = core
        guard let pointer = mosquitto_new(options.clientID.isEmpty ? nil : options.clientID, options.cleanSession, nil) else {
            throw MQTTError.library(Int32(MOSQ_ERR_NOMEM.rawValue), "mosquitto_new", errno: errno)
        }
        handle = MosquittoHandle(pointer: pointer)
        do {
            try Self.configure(pointer, options: options)
            mosquitto_user_data_set(pointer, Unmanaged.passUnretained(core).toOpaque())
            mosquitto_publish_v5_callback_set(pointer, publisherOnPublish)
            mosquitto_connect_v5_callback_set(pointer, publisherOnConnect)
            mosquitto_disconnect_v5_callback_set(pointer, publisherOnDisconnect)
            let rc = mosquitto_connect(pointer, options.url.host, Int32(options.url.port), Int32(options.keepaliveSeconds))
            if let error = MQTTError.check(rc, "mosquitto_connect \(options.url)", errno: errno) { throw error }
            if let error = MQTTError.check(mosquitto_loop_start(pointer), "mosquitto_loop_start") { throw error }
        } catch {
            // Every stored property is set by now, so Swift runs `deinit` for this failed init, and
            // `deinit` destroys the handle: destroying it here as well was a double free (seen as
            // "double free or corruption" after an uplink's connection was refused).
            throw error
        }
    }

    private static func configure(_ pointer: OpaquePointer, options: MQTTPublisherOptions) throws {
        func check(_ rc: Int32, _ what: String) throws {
            if let error = MQTTError.check(rc, what) { throw error }
        }
        let v5 = options.protocolVersion == .v5
        try check(mosquitto_int_option(pointer, MOSQ_OPT_PROTOCOL_VERSION, v5 ? MQTT_PROTOCOL_V5 : MQTT_PROTOCOL_V311), "MOSQ_OPT_PROTOCOL_VERSION")
        try check(mosquitto_int_option(pointer, MOSQ_OPT_TCP_NODELAY, 1), "MOSQ_OPT_TCP_NODELAY")
        // libmosquitto's own window (default 20) must not be smaller than ours, or it queues silently.
        try check(mosquitto_int_option(pointer, MOSQ_OPT_SEND_MAXIMUM, Int32(min(options.maxInFlight, 65_535))), "MOSQ_OPT_SEND_MAXIMUM")
        try check(
            mosquitto_reconnect_delay_set(pointer, max(options.reconnectDelaySeconds, 1),
                max(options.reconnectDelayMaxSeconds, options.reconnectDelaySeconds, 1), false),
            "mosquitto_reconnect_delay_set")
        if options.username != nil || options.password != nil {
            try check(mosquitto_username_pw_set(pointer, options.username, options.password), "mosquitto_username_pw_set")
        }
        if options.url.usesTLS {
            let caPath: String? = options.tls == nil ? "/etc/ssl/certs" : nil
            try check(
                mosquitto_tls_set(pointer, options.tls?.caFile, caPath, options.tls?.certFile, options.tls?.keyFile, nil),
                "mosquitto_tls_set")
        }
        if let will = options.will {
            try check(
                mosquitto_will_set(pointer, will.topic, Int32(will.payload.count), will.payload, Int32(will.qos), will.retain),
                "mosquitto_will_set(\(will.topic))")
        }
    }

    deinit {
        disconnect()
        mosquitto_destroy(handle.pointer)
    }

    /// Publishes one message and returns its message id.
    ///
    /// For QoS ≥ 1, blocks while `maxInFlight` earlier messages await their PUBACK (up to
    /// `inFlightWaitTimeoutSeconds`, then throws `.timeout`).
    @discardableResult
    public func publish(topic: String, payload: [UInt8], qos: Int = 1, retain: Bool = false) throws -> Int32 {
        guard (0...2).contains(qos) else { throw MQTTError.invalidOptions("qos must be 0, 1 or 2, got \(qos)") }
        if qos > 0 { try core.acquireSlot(timeoutSeconds: options.inFlightWaitTimeoutSeconds) }
        var mid: Int32 = 0
        let rc = payload.withUnsafeBytes { bytes in
            mosquitto_publish(handle.pointer, &mid, topic, Int32(bytes.count), bytes.baseAddress, Int32(qos), retain)
        }
        let errnoValue = errno
        // QoS ≥ 1 while disconnected: queued by libmosquitto and sent after the reconnect (see the type's doc).
        let queued = rc == 0 || (qos > 0 && rc == Int32(MOSQ_ERR_NO_CONN.rawValue) && !core.isClosed)
        guard queued else {
            if qos > 0 { core.releaseSlot() }
            throw MQTTError.library(rc, "mosquitto_publish(\(topic))", errno: errnoValue)
        }
        core.published(mid: mid, qos: qos)
        return mid
    }

    /// Waits until every QoS ≥ 1 message published so far has been acknowledged. Returns false on timeout.
    public func waitForAcknowledgements(timeoutSeconds: Double) -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(Int(timeoutSeconds * 1000))
        while core.inFlight > 0 {
            if ContinuousClock.now >= deadline { return false }
            core.waitForChange(milliseconds: 20)
        }
        return true
    }

    /// QoS ≥ 1 messages published and not yet acknowledged.
    public var inFlightCount: Int { core.inFlight }
    /// QoS ≥ 1 messages the broker has acknowledged.
    public var acknowledgedCount: Int { core.acknowledged }
    /// The largest number of QoS ≥ 1 messages that were ever awaiting acknowledgement at once.
    public var peakInFlight: Int { core.peakInFlight }
    /// Whether the broker accepted the current connection (CONNACK success) and it has not been lost.
    public var isConnected: Bool { core.link.connected }
    /// CONNACKs with success so far (the first connection and every reconnect).
    public var connectionCount: Int { core.link.connects }
    /// Why the connection last ended or was refused, in words; `nil` while it never did.
    public var lastConnectionProblem: String? { core.link.problem }

    /// Sends DISCONNECT and stops the network thread. Unacknowledged messages are abandoned. Idempotent.
    public func disconnect() {
        guard core.close() else { return }
        _ = mosquitto_disconnect(handle.pointer)
        _ = mosquitto_loop_stop(handle.pointer, false)
    }
}

/// A libmosquitto handle shared between the publishing threads and libmosquitto's network thread.
///
/// `@unchecked Sendable` because libmosquitto itself serialises access: with `mosquitto_loop_start` the
/// client is in threaded mode and `mosquitto_publish`/`mosquitto_disconnect` take the library's internal
/// mutexes (out_packet_mutex, msgs_out.mutex) — that is the documented way to publish from other threads.
struct MosquittoHandle: @unchecked Sendable {
    let pointer: OpaquePointer
}

/// The publisher's window and acknowledgement bookkeeping, shared with the C callback.
final class PublisherCore: Sendable {
    private struct State {
        /// QoS ≥ 1 message ids awaiting their PUBACK.
        var awaiting: Set<Int32> = []
        /// QoS 0 message ids whose "sent" callback has not come yet.
        var awaitingQoS0: Set<Int32> = []
        /// Callback ids that arrived before `publish` recorded the id (the PUBACK can beat the bookkeeping).
        var early: Set<Int32> = []
        var acknowledged = 0
        var peak = 0
        var closed = false
        var link = LinkState()
    }

    /// The connection as the connect and disconnect callbacks report it.
    struct LinkState {
        var connected = false
        var connects = 0
        var problem: String?
    }

    private let state = Mutex(State())
    private let window: DispatchSemaphore
    /// Slots taken from `window` and not given back. libdispatch traps ("semaphore object deallocated
    /// while in use") when a semaphore is freed below its initial value, which is exactly the state of
    /// a publisher dropped with messages still unacknowledged (a lost link); `deinit` gives them back.
    private let held = Atomic<Int>(0)
    private let changes = DispatchSemaphore(value: 0)
    private let onAcknowledged: (@Sendable (Int32) -> Void)?

    init(maxInFlight: Int, onAcknowledged: (@Sendable (Int32) -> Void)?) {
        window = DispatchSemaphore(value: maxInFlight)
        self.onAcknowledged = onAcknowledged
    }

    func acquireSlot(timeoutSeconds: Double) throws {
        let deadline = ContinuousClock.now + .milliseconds(Int(timeoutSeconds * 1000))
        while true {
            if isClosed { throw MQTTError(kind: .notConnected, message: "the publisher is disconnected", context: "MQTTPublisher.publish") }
            if window.wait(timeout: .now() + .milliseconds(50)) == .success {
                held.add(1, ordering: .relaxed)
                return
            }
            if ContinuousClock.now >= deadline {
                throw MQTTError(kind: .timeout, message: "no PUBACK freed the in-flight window within \(timeoutSeconds) s", context: "MQTTPublisher.publish")
            }
        }
    }

    func releaseSlot() { giveBackSlot() }

    private func giveBackSlot() {
        held.subtract(1, ordering: .relaxed)
        window.signal()
    }

    deinit {
        for _ in 0..<max(0, held.load(ordering: .relaxed)) { window.signal() }
    }

    func published(mid: Int32, qos: Int) {
        let alreadyAcknowledged = state.withLock { state -> Bool in
            if state.early.remove(mid) != nil {
                if qos > 0 { state.acknowledged += 1 }
                return true
            }
            if qos > 0 {
                state.awaiting.insert(mid)
                state.peak = max(state.peak, state.awaiting.count)
            } else {
                state.awaitingQoS0.insert(mid)
            }
            return false
        }
        if alreadyAcknowledged && qos > 0 {
            giveBackSlot()
            onAcknowledged?(mid)
            changes.signal()
        }
    }

    /// From libmosquitto's thread: a QoS ≥ 1 message was acknowledged, or a QoS 0 message was written.
    func didPublish(mid: Int32) {
        enum Kind { case acknowledged, qos0, early }
        let kind = state.withLock { state -> Kind in
            if state.awaiting.remove(mid) != nil {
                state.acknowledged += 1
                return .acknowledged
            }
            if state.awaitingQoS0.remove(mid) != nil { return .qos0 }
            state.early.insert(mid)
            return .early
        }
        guard kind == .acknowledged else { return }
        giveBackSlot()
        onAcknowledged?(mid)
        changes.signal()
    }

    func waitForChange(milliseconds: Int) {
        _ = changes.wait(timeout: .now() + .milliseconds(milliseconds))
    }

    var inFlight: Int { state.withLock { $0.awaiting.count } }
    var acknowledged: Int { state.withLock { $0.acknowledged } }
    var peakInFlight: Int { state.withLock { $0.peak } }
    var isClosed: Bool { state.withLock { $0.closed } }
    var link: LinkState { state.withLock { $0.link } }

    /// From libmosquitto's thread: the CONNACK arrived.
    func didConnect(reasonCode: Int32) {
        state.withLock { state in
            if reasonCode == 0 {
                state.link.connected = true
                state.link.connects += 1
            } else {
                state.link.connected = false
                state.link.problem = "the broker refused the connection: \(String(cString: mosquitto_reason_string(reasonCode)))"
            }
        }
        changes.signal()
    }

    /// From libmosquitto's thread: the connection ended (`reasonCode` 0 when we asked for it).
    func didDisconnect(reasonCode: Int32) {
        state.withLock { state in
            state.link.connected = false
            if reasonCode != 0 {
                state.link.problem = "connection lost: \(String(cString: mosquitto_strerror(reasonCode)))"
            }
        }
        changes.signal()
    }

    /// Marks the publisher closed; true the first time.
    func close() -> Bool {
        state.withLock { state in
            defer { state.closed = true }
            return !state.closed
        }
    }
}

/// libmosquitto's publish callback (nonisolated, captures nothing; DESIGN §3).
private func publisherOnPublish(
    _ handle: OpaquePointer?, _ userdata: UnsafeMutableRawPointer?, _ mid: Int32, _ reasonCode: Int32,
    _ properties: OpaquePointer?
) {
    guard let userdata else { return }
    Unmanaged<PublisherCore>.fromOpaque(userdata).takeUnretainedValue().didPublish(mid: mid)
}

/// libmosquitto's connect callback (nonisolated, captures nothing; DESIGN §3).
private func publisherOnConnect(
    _ handle: OpaquePointer?, _ userdata: UnsafeMutableRawPointer?, _ reasonCode: Int32, _ flags: Int32,
    _ properties: OpaquePointer?
) {
    guard let userdata else { return }
    Unmanaged<PublisherCore>.fromOpaque(userdata).takeUnretainedValue().didConnect(reasonCode: reasonCode)
}

/// libmosquitto's disconnect callback (nonisolated, captures nothing; DESIGN §3).
private func publisherOnDisconnect(
    _ handle: OpaquePointer?, _ userdata: UnsafeMutableRawPointer?, _ reasonCode: Int32, _ properties: OpaquePointer?
) {
    guard let userdata else { return }
    Unmanaged<PublisherCore>.fromOpaque(userdata).takeUnretainedValue().didDisconnect(reasonCode: reasonCode)
}
