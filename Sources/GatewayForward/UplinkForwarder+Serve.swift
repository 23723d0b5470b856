import Foundation
import GatewayCore
import GatewayMQTT
import GatewayStore
import Logging

extension UplinkForwarder {
    enum Outcome {
        case stopped
        case lost(String)
    }

    /// Forwards on one accepted connection until it is lost or `stop()` is asked.
    func serve(_ publisher: MQTTPublisher, acknowledged: inout ForwardCursors) -> Outcome {
        var window = AckWindow(acknowledged: acknowledged)
        var saved = (cursors: acknowledged, at: ContinuousClock.now)
        var partial: (seq: Int64, since: ContinuousClock.Instant)?
        let encoder = JSONEncoder()
        // Sorted keys: the same reading always reads the same, which makes the messages diffable.
        encoder.outputFormatting = [.sortedKeys]
        defer { acknowledged = window.acknowledged }
        while true {
            settle(&window, saved: &saved)
            if isStopping {
                // Let what is in flight be acknowledged, so that a graceful restart sends nothing twice.
                let deadline = ContinuousClock.now + gracefulStopTimeout
                while window.inFlight > 0 && publisher.isConnected && ContinuousClock.now < deadline {
                    _ = wake.wait(timeout: .now() + .milliseconds(20))
                    settle(&window, saved: &saved)
                }
                settle(&window, saved: &saved, force: true)
                return .stopped
            }
            if !publisher.isConnected || publisher.connectionCount != 1 {
                settle(&window, saved: &saved, force: true)
                return .lost(publisher.lastConnectionProblem ?? "connection lost")
            }
            measureBacklogIfDue(after: window.acknowledged)
            var progressed = false
            do {
                let events = try sendEvents(publisher, &window)
                progressed = events.published > 0
                // Events first: readings only when no event waits.
                if !events.waiting && window.inFlight < maxInFlight {
                    progressed = try sendReadings(publisher, &window, partial: &partial, encoder: encoder) || progressed
                }
            } catch let error as MQTTError {
                return .lost("publish failed: \(error)")
            } catch {
                logger.error("uplink.store_read_failed", metadata: metadata(["error": "\(error)"]))
                if pause(seconds: 1) { return .stopped }
            }
            if !progressed {
                // Idle: nothing may stay unsaved while nothing happens.
                settle(&window, saved: &saved, force: true)
                _ = wake.wait(timeout: .now() + .milliseconds(50))
            }
        }
    }

    /// Applies the acknowledgements that arrived, moves the cursors over the acknowledged prefix and
    /// saves them — at most every `saveInterval` unless `force`. A failed save is retried at the
    /// next call (the cursor stays right in memory; on a crash before it is saved, the records are
    /// sent again).
    func settle(_ window: inout AckWindow, saved: inout (cursors: ForwardCursors, at: ContinuousClock.Instant), force: Bool = false) {
        let mids = acknowledgements.withLock { pending -> [Int32] in
            defer { pending.removeAll(keepingCapacity: true) }
            return pending
        }
        for mid in mids { window.acknowledge(mid: mid) }
        let forwarded = window.advance()
        if !forwarded.isEmpty { monitor.forwarded(forwarded) }
        guard window.acknowledged != saved.cursors else { return }
        guard force || ContinuousClock.now - saved.at >= saveInterval else { return }
        do {
            try outbox.save(window.acknowledged, now: clock.now())
            saved = (window.acknowledged, ContinuousClock.now)
        } catch {
            logger.error("uplink.cursor_save_failed", metadata: metadata(["error": "\(error)"]))
        }
    }

    /// Publishes waiting events, one per message, while the window has room. `waiting` is true when
    /// events remain (or may remain) unpublished.
    func sendEvents(_ publisher: MQTTPublisher, _ window: inout AckWindow) throws -> (published: Int, waiting: Bool) {
        let room = maxInFlight - window.inFlight
        guard room > 0 else { return (0, true) }
        let events = try outbox.events(after: window.sent, limit: room)
        var published = 0
        for event in events.prefix(room) {
            let payload = try UplinkMessages.event(event, gateway: gatewayID, generation: outbox.generation)
            let mid = try publisher.publish(topic: settings.eventsTopic, payload: payload, qos: settings.qos)
            window.published(mid: mid, stream: event.stream, lastSeq: event.seq, records: 1)
            monitor.published()
            published += 1
        }
        return (published, events.count > published || events.count == room)
    }

    /// Publishes one batch of readings when one is due: full (`max_readings` or `max_bytes`), or
    /// partial once its first reading has waited `max_delay`. Returns whether it published.
    func sendReadings(
        _ publisher: MQTTPublisher, _ window: inout AckWindow, partial: inout (seq: Int64, since: ContinuousClock.Instant)?,
        encoder: JSONEncoder
    ) throws -> Bool {
        let batch = settings.batch
        let readings = try outbox.readings(afterSeq: window.sent.readings, limit: batch.maxReadings)
        guard let first = readings.first else {
            partial = nil
            return false
        }
        if readings.count < batch.maxReadings {
            if partial?.seq != first.seq { partial = (first.seq, ContinuousClock.now) }
            let waited = ContinuousClock.now - (partial?.since ?? ContinuousClock.now)
            if waited < .milliseconds(Int64(batch.maxDelaySeconds * 1000)) && !isStopping { return false }
        }
        var payload = UplinkMessages.batchPrefix(gateway: gatewayID, generation: outbox.generation)
        var included = 0
        for reading in readings {
            let json = try UplinkMessages.encode(reading, encoder: encoder)
            let size = payload.count + (included > 0 ? 1 : 0) + json.count + UplinkMessages.batchSuffix.count
            if included > 0 && size > batch.maxBytes { break }
            if included > 0 { payload.append(UInt8(ascii: ",")) }
            payload += json
            included += 1
        }
        payload += UplinkMessages.batchSuffix
        let mid = try publisher.publish(topic: settings.readingsTopic, payload: payload, qos: settings.qos)
        window.published(mid: mid, stream: .readings, lastSeq: readings[included - 1].seq, records: included)
        monitor.published()
        partial = nil
        return true
    }

    /// Counts the backlog when `backlogInterval` has passed since the last count.
    func measureBacklogIfDue(after cursors: ForwardCursors) {
        let now = ContinuousClock.now
        let due = lastBacklogAt.withLock { last -> Bool in
            guard last.map({ now - $0 >= backlogInterval }) ?? true else { return false }
            last = now
            return true
        }
        if due { measureBacklog(after: cursors) }
    }

    func measureBacklog(after cursors: ForwardCursors) {
        do {
            monitor.backlogMeasured(try outbox.backlog(after: cursors))
        } catch {
            logger.warning("uplink.backlog_failed", metadata: metadata(["error": "\(error)"]))
        }
    }

    /// Graceful stop, after `serve` has waited for the messages in flight: replaces the retained
    /// status with `offline` and disconnects.
    func finish(_ publisher: MQTTPublisher, acknowledged: ForwardCursors) {
        publishStatus("offline", on: publisher)
        _ = publisher.waitForAcknowledgements(timeoutSeconds: Double(gracefulStopTimeout.components.seconds))
        publisher.disconnect()
        measureBacklog(after: acknowledged)
        monitor.linkChanged("disconnected", reason: "the gateway is stopping")
    }
}
