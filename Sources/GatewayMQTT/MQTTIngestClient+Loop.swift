import CMosquitto
import GatewayCore
import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension MQTTIngestClient {
    /// How one connection ended.
    enum ConnectionOutcome {
        case stopped
        /// Disconnected gracefully because a pause was asked for (`setPaused(true)`).
        case paused
        case lost(reason: String)
    }

    /// Where a graceful stop is.
    private enum StopPhase {
        case running
        case awaitingOfflineAck(deadline: ContinuousClock.Instant)
        case disconnecting(deadline: ContinuousClock.Instant)
    }

    /// Connects, serves, backs off and reconnects until `stop()`.
    func runConnections(_ connection: IngestConnection, wake: WakePipe) throws {
        var backoff = DecorrelatedJitterBackoff(options.broker.reconnect)
        var socketOpenedOnce = false
        // Whether the handler has been told the link is down (once per outage): a lost connection
        // says so at once; a connection that never came up — the broker is down when the gateway
        // starts — says so at its first failure, not at every retry.
        var toldDown = false
        func tellDown(_ reason: String) {
            guard !toldDown else { return }
            toldDown = true
            handler.connectionChanged(.disconnected(reason: reason))
        }
        while !isStopRequested {
            heartbeat()
            if waitWhilePaused(wake: wake) { break }
            // A reload while disconnected: the next CONNACK subscribes the new list.
            if let wanted = takeRequestedSubscriptions() { connection.subscriptions = wanted }
            do {
                try connection.connect(reconnect: socketOpenedOnce)
                socketOpenedOnce = true
            } catch let error as MQTTError where Self.isUnrecoverable(error) {
                logger.error("MQTT connect impossible", metadata: connection.metadata(["error": "\(error)"]))
                throw error
            } catch {
                logger.warning("MQTT connect failed", metadata: connection.metadata(["error": "\(error)"]))
                tellDown("cannot connect: \(error)")
                if waitForStop(seconds: backoff.nextDelay(), wake: wake) { break }
                continue
            }
            let outcome = serve(connection, wake: wake)
            state.withLock { $0.connected = false }
            if connection.accepted {
                backoff.reset()
                toldDown = false
            }
            if case .paused = outcome {
                logger.notice("MQTT ingest paused: disconnected gracefully; the broker queues for our session", metadata: connection.metadata())
                tellDown("paused: the buffer is full (buffer.when_full: pause_ingest)")
                continue
            }
            guard case .lost(let reason) = outcome else { break }
            if connection.accepted {
                logger.warning("MQTT connection lost", metadata: connection.metadata(["reason": "\(reason)"]))
                tellDown(reason)
            } else if let refusal = connection.refusal {
                logger.error("MQTT connection refused", metadata: connection.metadata(["error": "\(refusal)"]))
                tellDown("the broker refused the connection: \(refusal)")
            } else {
                logger.warning("MQTT connection failed before CONNACK", metadata: connection.metadata(["reason": "\(reason)"]))
                tellDown(reason)
            }
            if isStopRequested { break }
            let delay = backoff.nextDelay()
            logger.info("MQTT reconnect scheduled", metadata: connection.metadata(["mqtt.reconnect_delay_seconds": "\(delay)"]))
            if waitForStop(seconds: delay, wake: wake) { break }
        }
    }

    /// Codes that no retry can fix: our arguments are wrong, or memory ran out.
    static func isUnrecoverable(_ error: MQTTError) -> Bool {
        guard error.kind == .library else { return error.kind == .invalidOptions }
        return [MOSQ_ERR_INVAL, MOSQ_ERR_NOMEM, MOSQ_ERR_NOT_SUPPORTED].map { Int32($0.rawValue) }.contains(error.code)
    }

    /// Runs the batch loop on one open connection until it is lost or a graceful stop completes.
    private func serve(_ connection: IngestConnection, wake: WakePipe) -> ConnectionOutcome {
        let handle = connection.handle
        let usesTLS = options.broker.url.usesTLS
        var phase = StopPhase.running
        var announced = false
        var pausing = false
        let connackDeadline = ContinuousClock.now + .milliseconds(Int(options.connackTimeoutSeconds * 1000))
        while true {
            heartbeat()
            if let wanted = takeRequestedSubscriptions() { connection.applySubscriptions(wanted) }
            if !announced && connection.accepted {
                announced = true
                let connects = state.withLock { state in
                    state.connected = true
                    state.connects += 1
                    return state.connects
                }
                logger.info("MQTT connected", metadata: connection.metadata(["mqtt.session_present": "\(connection.sessionPresent)"]))
                if options.broker.session == .persistent && !connection.sessionPresent && connects > 1 {
                    logger.warning(
                        "MQTT session not present after reconnect: messages queued for us may be lost (possible data gap)",
                        metadata: connection.metadata())
                }
            }
            if !connection.accepted && connection.refusal == nil && ContinuousClock.now >= connackDeadline {
                return .lost(reason: "no CONNACK within \(options.connackTimeoutSeconds) s")
            }
            if case .running = phase, !pausing, connection.accepted, isPauseRequested, !isStopRequested {
                // Between batches: everything read so far is committed and its PUBACKs are queued
                // ahead of the DISCONNECT. Reason 0, so the broker does not publish our last will.
                pausing = true
                _ = mosquitto_disconnect(handle)
                phase = .disconnecting(deadline: ContinuousClock.now + .milliseconds(Int(options.gracefulStopTimeoutSeconds * 1000)))
            }
            phase = advanceStop(phase, connection)
            var stopping = false
            switch phase {
            case .running:
                if isStopRequested && !connection.accepted { return .stopped }  // nothing to announce yet
            case .awaitingOfflineAck:
                stopping = true
            case .disconnecting(let deadline):
                stopping = true
                let ended: ConnectionOutcome = pausing && !isStopRequested ? .paused : .stopped
                if connection.socket < 0 { return ended }
                if ContinuousClock.now >= deadline {
                    logger.warning("MQTT disconnect not completed in time", metadata: connection.metadata())
                    return ended
                }
            }
            let socket = connection.socket
            guard socket >= 0 else { return .lost(reason: lossReason(connection, rc: 0, call: "connection")) }

            let readiness = SocketPolling.wait(
                socket: socket, wantWrite: mosquitto_want_write(handle), wake: wake.readFD,
                timeoutMilliseconds: stopping ? 50 : 1000)
            if readiness.woken { wake.drain() }

            var handledBatch = false
            if readiness.readable || usesTLS {
                if let loss = readBatch(connection) {
                    // Whatever was read before the loss cannot be acknowledged any more; storing it is still
                    // right (QoS 0 is never redelivered; QoS 1 duplicates are deduplicated downstream).
                    _ = handOver(connection)
                    return stopping ? (pausing && !isStopRequested ? .paused : .stopped) : .lost(reason: loss)
                }
                if !connection.pending.isEmpty {
                    if let failure = handOver(connection) {
                        // Not durable: the PUBACKs queued during loop_read must never leave. Shut the socket
                        // down without writing; mosquitto_reconnect later discards the queued packets.
                        _ = shutdown(socket, Int32(SHUT_RDWR))
                        return stopping ? (pausing && !isStopRequested ? .paused : .stopped) : .lost(reason: failure)
                    }
                    handledBatch = true
                }
            }
            if mosquitto_want_write(handle) {
                let rc = mosquitto_loop_write(handle, 1)
                if rc != 0 || connection.socket < 0 {
                    return stopping ? (pausing && !isStopRequested ? .paused : .stopped) : .lost(reason: lossReason(connection, rc: rc, call: "mosquitto_loop_write"))
                }
            }
            let rc = mosquitto_loop_misc(handle)
            if rc != 0 || connection.socket < 0 {
                return stopping ? (pausing && !isStopRequested ? .paused : .stopped) : .lost(reason: lossReason(connection, rc: rc, call: "mosquitto_loop_misc"))
            }
            // After the acks went out, or when a whole poll interval passed with nothing to read.
            if handledBatch || (!readiness.readable && !readiness.woken && !stopping) {
                handler.maintenance()
            }
        }
    }

    /// Waits while a pause is asked for (heartbeat going on). Returns true when stop was requested.
    private func waitWhilePaused(wake: WakePipe) -> Bool {
        while isPauseRequested {
            if isStopRequested { return true }
            if SocketPolling.waitForWake(wake.readFD, timeoutMilliseconds: 1000) { wake.drain() }
            heartbeat()
        }
        return isStopRequested
    }

    /// Moves a graceful stop forward: publish the retained `offline`, wait for its PUBACK, then DISCONNECT.
    private func advanceStop(_ phase: StopPhase, _ connection: IngestConnection) -> StopPhase {
        let handle = connection.handle
        switch phase {
        case .running:
            guard isStopRequested, connection.accepted else { return phase }
            let deadline = ContinuousClock.now + .milliseconds(Int(options.gracefulStopTimeoutSeconds * 1000))
            if let topic = options.statusTopic {
                var mid: Int32 = 0
                let payload = Array(options.offlinePayload.utf8)
                let rc = mosquitto_publish(handle, &mid, topic, Int32(payload.count), payload, 1, true)
                if rc == 0 {
                    connection.offlineStatusMid = mid
                    return .awaitingOfflineAck(deadline: deadline)
                }
                logger.warning("MQTT status publish failed", metadata: connection.metadata([
                    "mqtt.topic": "\(topic)", "error": "\(MQTTError.library(rc, "mosquitto_publish(status offline)"))",
                ]))
            }
            _ = mosquitto_disconnect(handle)
            return .disconnecting(deadline: deadline)
        case .awaitingOfflineAck(let deadline):
            let acknowledged = connection.offlineStatusAcknowledged
            guard acknowledged || ContinuousClock.now >= deadline else { return phase }
            if !acknowledged {
                logger.warning("MQTT offline status not acknowledged in time", metadata: connection.metadata())
            }
            _ = mosquitto_disconnect(handle)
            return .disconnecting(deadline: deadline)
        case .disconnecting:
            return phase
        }
    }

    /// Reads until the socket has nothing more or the batch is full. Returns the reason when the
    /// connection was lost.
    private func readBatch(_ connection: IngestConnection) -> String? {
        let handle = connection.handle
        let usesTLS = options.broker.url.usesTLS
        while true {
            // max_packets is ignored by libmosquitto 2.0 (lib/loop.c recomputes it from its queues); each
            // call reads at least one packet or stops at EAGAIN.
            let rc = mosquitto_loop_read(handle, 1)
            if rc != 0 || connection.socket < 0 {
                return lossReason(connection, rc: rc, call: "mosquitto_loop_read")
            }
            if connection.pending.count >= options.maxBatchMessages { return nil }
            let socket = connection.socket
            guard SocketPolling.hasData(socket) || SocketPolling.tlsHasPendingData(handle, usesTLS: usesTLS) else {
                return nil
            }
        }
    }

    /// Gives the pending messages to the handler. Returns a failure description when it threw.
    private func handOver(_ connection: IngestConnection) -> String? {
        guard !connection.pending.isEmpty else { return nil }
        let batch = connection.pending
        connection.pending.removeAll(keepingCapacity: true)
        do {
            try handler.handle(batch)
        } catch {
            logger.error("MQTT batch handler failed; dropping the connection unacknowledged", metadata: connection.metadata([
                "mqtt.batch_messages": "\(batch.count)", "error": "\(error)",
            ]))
            return "batch handler failed: \(error)"
        }
        state.withLock { state in
            state.messagesReceived += batch.count
            state.batchesHandled += 1
        }
        return nil
    }

    /// Why a connection ended, from the call's result, a CONNACK refusal or the broker's DISCONNECT.
    private func lossReason(_ connection: IngestConnection, rc: Int32, call: String) -> String {
        if let refusal = connection.refusal { return refusal.description }
        if rc != 0 { return MQTTError.library(rc, call, errno: errno).description }
        if let code = connection.lastDisconnectCode, code != 0 {
            let text = connection.isV5 ? String(cString: mosquitto_reason_string(code)) : String(cString: mosquitto_strerror(code))
            return "the broker closed the connection (code \(code): \(text))"
        }
        return "the connection closed"
    }

    /// Waits `seconds` on the monotonic clock, or until `stop()`. Returns true when stop was requested.
    func waitForStop(seconds: Double, wake: WakePipe) -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(Int((seconds * 1000).rounded(.up)))
        while !isStopRequested {
            let remaining = ContinuousClock.now.duration(to: deadline)
            guard remaining > .zero else { return false }
            let (whole, fraction) = remaining.components
            // At most a second per wait, so that the heartbeat keeps coming during a long backoff.
            let milliseconds = min(Int32(clamping: whole * 1000 + fraction / 1_000_000_000_000_000 + 1), 1000)
            if SocketPolling.waitForWake(wake.readFD, timeoutMilliseconds: milliseconds) { wake.drain() }
            heartbeat()
        }
        return true
    }
}
