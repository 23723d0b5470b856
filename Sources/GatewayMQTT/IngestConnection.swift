import CMosquitto

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import GatewayCore
import Logging

/// One libmosquitto client handle and the state its callbacks fill in, confined to the ingest loop thread.
///
/// Not `Sendable` on purpose: it is created, driven and destroyed by `MQTTIngestClient.run()` on one
/// thread. libmosquitto calls its callbacks only from inside the calls this loop makes
/// (`mosquitto_loop_read/write/misc`), so they run on that same thread; they reach this object through
/// the handle's userdata (`Unmanaged`, unretained — the object owns the handle and outlives it).
final class IngestConnection {
    let handle: OpaquePointer
    let options: MQTTClientOptions
    let handler: any MQTTBatchHandler
    let logger: Logger
    let clock: any WallClock
    let isV5: Bool
    /// MQTT 5 CONNECT properties (Session Expiry Interval, Receive Maximum); freed in `close()`.
    private var connectProperties: OpaquePointer?

    // State filled in by the callbacks; reset before each connection attempt.
    /// Messages read since the last hand-over.
    var pending: [InboundMessage] = []
    /// The CONNACK said yes.
    var accepted = false
    /// The CONNACK said no, and why.
    var refusal: MQTTError?
    var sessionPresent = false
    /// SUBSCRIBE message id → the filters it carried, in order (SUBACK reports per filter, in order).
    var subscriptionsInFlight: [Int32: [String]] = [:]
    /// The message id of the retained `offline` published on graceful stop, and whether it was acked.
    var offlineStatusMid: Int32?
    var offlineStatusAcknowledged = false
    /// The reason code libmosquitto last passed to the disconnect callback.
    var lastDisconnectCode: Int32?
    /// What every CONNACK subscribes: `options.subscriptions` until a reload replaces them
    /// (see `applySubscriptions(_:)`).
    var subscriptions: [MQTTSubscription]

    init(options: MQTTClientOptions, handler: any MQTTBatchHandler, logger: Logger, clock: any WallClock) throws {
        try MosquittoLibrary.ensureInitialised()
        self.options = options
        self.handler = handler
        self.logger = logger
        self.clock = clock
        subscriptions = options.subscriptions
        let broker = options.broker
        isV5 = broker.protocolVersion == .v5
        let cleanStart = broker.session == .clean
        guard let handle = mosquitto_new(broker.clientID.isEmpty ? nil : broker.clientID, cleanStart, nil) else {
            throw MQTTError.library(Int32(MOSQ_ERR_NOMEM.rawValue), "mosquitto_new", errno: errno)
        }
        self.handle = handle
        do {
            try configure()
        } catch {
            mosquitto_property_free_all(&connectProperties)
            mosquitto_destroy(handle)
            throw error
        }
        mosquitto_user_data_set(handle, Unmanaged.passUnretained(self).toOpaque())
        IngestCallbacks.install(on: handle)
    }

    private func configure() throws {
        let broker = options.broker
        func check(_ rc: Int32, _ what: String) throws {
            if let error = MQTTError.check(rc, what) { throw error }
        }
        // Threaded mode: PUBACKs are only queued while we read (packet__queue writes directly only when
        // mosq->threaded == mosq_ts_none, lib/packet_mosq.c); our mosquitto_loop_write sends them after
        // the batch is durable.
        try check(mosquitto_threaded_set(handle, true), "mosquitto_threaded_set")
        try check(
            mosquitto_int_option(handle, MOSQ_OPT_PROTOCOL_VERSION, isV5 ? MQTT_PROTOCOL_V5 : MQTT_PROTOCOL_V311),
            "mosquitto_int_option(MOSQ_OPT_PROTOCOL_VERSION)")
        try check(mosquitto_int_option(handle, MOSQ_OPT_TCP_NODELAY, 1), "mosquitto_int_option(MOSQ_OPT_TCP_NODELAY)")
        try check(
            mosquitto_int_option(handle, MOSQ_OPT_RECEIVE_MAXIMUM, Int32(options.effectiveReceiveMaximum)),
            "mosquitto_int_option(MOSQ_OPT_RECEIVE_MAXIMUM)")
        if broker.username != nil || options.password != nil {
            try check(mosquitto_username_pw_set(handle, broker.username, options.password), "mosquitto_username_pw_set")
        }
        if broker.url.usesTLS {
            let tls = broker.tls
            // Without configured files: the system's CA directory (Debian's ca-certificates).
            let caPath: String? = tls == nil ? "/etc/ssl/certs" : nil
            try check(
                mosquitto_tls_set(handle, tls?.caFile, caPath, tls?.certFile, tls?.keyFile, nil),
                "mosquitto_tls_set(ca_file: \(tls?.caFile ?? "-"), ca_path: \(caPath ?? "-"), cert_file: \(tls?.certFile ?? "-"))")
        }
        if let topic = options.statusTopic {
            let payload = Array(options.offlinePayload.utf8)
            try check(
                mosquitto_will_set(handle, topic, Int32(payload.count), payload, 1, true),
                "mosquitto_will_set(\(topic))")
        }
        if isV5 {
            if broker.session == .persistent {
                // Without this property the broker ends the session when the connection closes and drops
                // everything queued for us (DESIGN §2).
                try check(
                    mosquitto_property_add_int32(
                        &connectProperties, Int32(MQTT_PROP_SESSION_EXPIRY_INTERVAL.rawValue),
                        UInt32(clamping: broker.sessionExpirySeconds)),
                    "mosquitto_property_add_int32(SESSION_EXPIRY_INTERVAL)")
            }
        }
    }

    /// Resets the per-connection state, then connects: the first successful attempt with
    /// `mosquitto_connect_bind_v5` (which stores the CONNECT properties), later ones with
    /// `mosquitto_reconnect` (which re-sends the stored properties and discards every packet still queued
    /// from the previous connection — `mosquitto__reconnect` → `packet__cleanup_all`, lib/connect.c).
    ///
    /// Returns when the TCP (and TLS) connection is up and CONNECT is queued; the CONNACK arrives through
    /// the loop.
    func connect(reconnect: Bool) throws {
        accepted = false
        refusal = nil
        sessionPresent = false
        subscriptionsInFlight = [:]
        offlineStatusMid = nil
        offlineStatusAcknowledged = false
        lastDisconnectCode = nil
        pending.removeAll(keepingCapacity: true)
        let broker = options.broker
        let rc: Int32
        if reconnect {
            rc = mosquitto_reconnect(handle)
        } else {
            rc = mosquitto_connect_bind_v5(
                handle, broker.url.host, Int32(broker.url.port), Int32(broker.keepaliveSeconds), nil, connectProperties)
        }
        if let error = MQTTError.check(rc, "\(reconnect ? "mosquitto_reconnect" : "mosquitto_connect_bind_v5") \(broker.url)", errno: errno) {
            throw error
        }
    }

    /// The socket descriptor, or -1 when there is no connection.
    var socket: Int32 { mosquitto_socket(handle) }

    /// Closes the socket (without sending anything) and frees the handle. Call once, last.
    func close() {
        mosquitto_destroy(handle)
        mosquitto_property_free_all(&connectProperties)
    }

    // MARK: called from the callbacks (loop thread)

    func didConnect(reasonCode: Int32, flags: Int32) {
        guard reasonCode == 0 else {
            refusal = .connackRefused(reasonCode, protocolVersion5: isV5, context: "CONNACK from \(options.broker.url)")
            return
        }
        accepted = true
        sessionPresent = flags & 1 != 0
        handler.connectionChanged(.connected(sessionPresent: sessionPresent))
        subscribeAll()
        if let topic = options.statusTopic {
            let payload = Array(options.onlinePayload.utf8)
            let rc = mosquitto_publish(handle, nil, topic, Int32(payload.count), payload, 1, true)
            if let error = MQTTError.check(rc, "mosquitto_publish(status online)") {
                logger.warning("MQTT status publish failed", metadata: metadata(["mqtt.topic": "\(topic)", "error": "\(error)"]))
            }
        }
    }

    /// Re-subscribes every filter after every CONNACK (a lost session loses them; a kept one just gets
    /// them confirmed). One SUBSCRIBE per QoS level, so that each filter gets the QoS it asked for.
    private func subscribeAll() {
        subscribe(subscriptions)
    }

    /// One SUBSCRIBE per QoS level for `list`.
    func subscribe(_ list: [MQTTSubscription]) {
        let byQoS = Dictionary(grouping: list, by: \.qos)
        for qos in byQoS.keys.sorted() {
            let filters = byQoS[qos, default: []].map(\.filter)
            var mid: Int32 = 0
            var cStrings: [UnsafeMutablePointer<CChar>?] = filters.map { strdup($0) }
            defer { cStrings.forEach { free($0) } }
            let rc = cStrings.withUnsafeMutableBufferPointer { buffer in
                mosquitto_subscribe_multiple(handle, &mid, Int32(filters.count), buffer.baseAddress, Int32(qos), 0, nil)
            }
            if let error = MQTTError.check(rc, "mosquitto_subscribe_multiple(qos \(qos))") {
                logger.error("MQTT subscribe failed", metadata: metadata(["mqtt.filters": "\(filters)", "error": "\(error)"]))
                continue
            }
            subscriptionsInFlight[mid] = filters
        }
    }

    func didSubscribe(mid: Int32, granted: [Int32]) {
        guard let filters = subscriptionsInFlight.removeValue(forKey: mid) else { return }
        for (index, filter) in filters.enumerated() {
            let code = index < granted.count ? Int(granted[index]) : 0x80
            if code >= 0x80 {
                logger.error(
                    "MQTT subscription refused",
                    metadata: metadata(["mqtt.topic": "\(filter)", "mqtt.reason_code": "\(code)"]))
                handler.connectionChanged(.subscriptionRefused(filter: filter, reasonCode: code))
            } else {
                logger.debug("MQTT subscribed", metadata: metadata(["mqtt.topic": "\(filter)", "mqtt.qos": "\(code)"]))
                handler.connectionChanged(.subscribed(filter: filter, grantedQoS: code))
            }
        }
    }

    func didReceive(_ message: UnsafePointer<mosquitto_message>) {
        let m = message.pointee
        let topic = m.topic.map { String(cString: $0) } ?? ""
        let payload: [UInt8]
        if let bytes = m.payload, m.payloadlen > 0 {
            payload = Array(UnsafeRawBufferPointer(start: bytes, count: Int(m.payloadlen)))
        } else {
            payload = []
        }
        pending.append(InboundMessage(topic: topic, payload: payload, qos: Int(m.qos), retain: m.retain, receivedAt: clock.now()))
    }

    func didPublish(mid: Int32) {
        if let expected = offlineStatusMid, expected == mid { offlineStatusAcknowledged = true }
    }

    func didDisconnect(code: Int32) {
        lastDisconnectCode = code
    }

    /// Log metadata shared by every message of this client.
    func metadata(_ extra: Logger.Metadata = [:]) -> Logger.Metadata {
        var result: Logger.Metadata = [
            "mqtt.broker": "\(options.broker.url)", "mqtt.client_id": "\(options.broker.clientID)",
        ]
        result.merge(extra) { _, new in new }
        return result
    }
}
