import Foundation
import GatewayCore
import GatewayStore
import GatewayTestSupport
import Testing

/// Issue 6, store-and-forward, done for real: two mosquitto brokers on loopback (the site's and a
/// "central" one), the real daemon, a subscriber on the central broker. Every test asserts what
/// arrived, never how fast (deadlines are generous "it never happened" bounds).
@Suite(.serialized) struct UplinkEndToEndTests {
    /// What the central side must be able to rely on: every forwarded reading names the gateway and
    /// the store generation, and a seq always stands for the same reading (so duplicates dedupe).
    func checkDedupable(_ readings: [CentralSubscriber.ForwardedReading], generation: String) {
        var bySeq: [Int64: CentralSubscriber.ForwardedReading] = [:]
        for reading in readings {
            #expect(reading.gateway == "e2e" && reading.generation == generation)
            if let earlier = bySeq[reading.seq] {
                #expect(earlier == reading, "seq \(reading.seq) stands for two different readings")
            }
            bySeq[reading.seq] = reading
        }
    }

    /// Per device, the first arrival of each reading comes in seq order and in the device's own
    /// order (the feed's values rise per device).
    func checkPerDeviceOrder(_ readings: [CentralSubscriber.ForwardedReading]) {
        var seen: Set<Int64> = []
        var lastByDevice: [String: (seq: Int64, value: Double)] = [:]
        for reading in readings where seen.insert(reading.seq).inserted {
            if let last = lastByDevice[reading.device] {
                #expect(reading.seq > last.seq && reading.value > last.value, "out of order for \(reading.device)")
            }
            lastByDevice[reading.device] = (reading.seq, reading.value)
        }
    }

    @Test func backlogAndEventsReachCentralWithEventsFirstAndPerDeviceOrder() throws {
        let central = try MosquittoBroker()
        let subscriber = try CentralSubscriber(broker: central, prefix: "central/e2e")
        defer { subscriber.stop() }
        central.stop()  // the uplink is down from the start: everything becomes backlog
        let harness = try GatewayHarness(extra: RulesEndToEndTests.rules + "\n" + GatewayHarness.uplinkSection(central: central))
        try harness.startDaemon()
        let feed = try SequenceFeed(brokerURL: harness.broker.url)
        let total = 600
        for i in 0..<total { try feed.publish(i) }
        #expect(feed.finish())
        #expect(eventually(timeoutSeconds: 60) { harness.storedCount() >= total }, "\(harness.logs())")
        // Every device goes above 50: ten critical alerts, each with a ticket.
        #expect(eventually(timeoutSeconds: 60) { ((try? harness.reader().tickets(TicketFilter()).count) ?? 0) >= 10 })
        let outbox = try ForwardOutbox(path: harness.databasePath, synchronous: .normal)
        defer { try? outbox.close() }
        let pendingEvents = try outbox.backlog(after: ForwardCursors()).events
        #expect(pendingEvents >= 20)
        #expect(try outbox.cursors() == ForwardCursors(), "nothing can have been acknowledged while central was down")

        try central.start()
        #expect(eventually(timeoutSeconds: 120) { subscriber.values == Set(0..<total) },
                "central has \(subscriber.values.count) of \(total)\n\(harness.logs())")
        let messages = subscriber.messages
        let firstReadings = try #require(messages.firstIndex { if case .readings = $0 { true } else { false } })
        let eventsBefore = messages[..<firstReadings].filter { if case .event = $0 { true } else { false } }.count
        #expect(eventsBefore >= pendingEvents, "only \(eventsBefore) of \(pendingEvents) waiting events came before the readings")
        var eventKeys: Set<String> = []
        for case .event(let stream, let seq, let json) in messages {
            eventKeys.insert("\(stream)#\(seq)")
            #expect(json["gateway"] as? String == "e2e" && json["generation"] as? String == outbox.generation)
            #expect(json["event"] is [String: Any], "the rules stage's event is embedded as JSON")
        }
        #expect(eventKeys.count >= pendingEvents)
        checkDedupable(subscriber.readings, generation: outbox.generation)
        checkPerDeviceOrder(subscriber.readings)
        let statuses = messages.compactMap { if case .status(let s) = $0 { s } else { nil } }
        #expect(statuses.contains("online"))
        // The cursor reaches the end of the store once everything is acknowledged.
        let last = try #require(harness.reader().readings(ReadingFilter(limit: 1_000_000)).compactMap(\.seq).max())
        #expect(eventually(timeoutSeconds: 60) { ((try? outbox.cursors().readings) ?? 0) >= last })
        #expect(harness.stopDaemon() == 0, "\(harness.logs())")
        #expect(eventually(timeoutSeconds: 30) {
            subscriber.messages.last.map { if case .status("offline") = $0 { true } else { false } } ?? false
        }, "a graceful stop replaces the retained status with offline")
    }

    @Test func centralStoppedDuringSteadyIngestThenBackReceivesEverything() throws {
        let central = try MosquittoBroker()
        let subscriber = try CentralSubscriber(broker: central, prefix: "central/e2e")
        defer { subscriber.stop() }
        let harness = try GatewayHarness(extra: GatewayHarness.uplinkSection(central: central))
        try harness.startDaemon()
        let feed = try SequenceFeed(brokerURL: harness.broker.url)
        let total = 4_000
        // A steady stream (~1,000 msg/s) on its own thread: ingest goes on while central is away.
        feed.publishPaced(0..<total, perSecond: 1000)
        #expect(eventually(timeoutSeconds: 60) { subscriber.values.count >= 500 }, "\(harness.logs())")
        central.stop()
        let storedAtStop = harness.storedCount()
        #expect(eventually(timeoutSeconds: 60) { harness.storedCount() >= storedAtStop + 500 }, "ingest must go on without central")
        var status: [String: Any] = [:]
        #expect(eventually(timeoutSeconds: 60) {
            status = harness.uplinkStatus() ?? [:]
            let backlog = (status["backlog"] as? [String: Any])?["readings"] as? Int ?? 0
            return status["state"] as? String == "disconnected" && backlog > 0
        }, "while central is down the status shows the link down and a backlog: \(status)")
        #expect(status["reason"] is String && status["url"] as? String == central.url)
        try central.start()
        #expect(eventually(timeoutSeconds: 120) { feed.acknowledgedNumbers.count >= total })
        #expect(feed.finish())
        #expect(eventually(timeoutSeconds: 120) { subscriber.values == Set(0..<total) },
                "missing at central: \(Set(0..<total).subtracting(subscriber.values).sorted().prefix(20))\n\(harness.logs())")
        #expect(storedAtStop < total, "central was stopped after the stream ended; the test proved nothing")
        let generation = try harness.reader().generation
        checkDedupable(subscriber.readings, generation: generation)
        checkPerDeviceOrder(subscriber.readings)
        #expect(harness.logs().contains("uplink.connection_lost"))
        #expect(eventually(timeoutSeconds: 60) {
            status = harness.uplinkStatus() ?? [:]
            let backlog = status["backlog"] as? [String: Any]
            let forwarded = status["forwarded"] as? [String: Any]
            return status["state"] as? String == "connected" && backlog?["readings"] as? Int == 0
                && (forwarded?["readings"] as? Int ?? 0) >= total && (forwarded?["connections"] as? Int ?? 0) >= 2
        }, "after the outage: connected, nothing waiting, everything counted: \(status)")
        let buffer = harness.statusJSON()?["buffer"] as? [String: Any]
        #expect(buffer?["dropped"] as? Int == 0 && buffer?["when_full"] as? String == "drop_oldest_readings",
                "the buffer policy reports itself, and dropped nothing: \(String(describing: buffer))")
        #expect(harness.stopDaemon() == 0, "\(harness.logs())")
    }

    @Test func killedDuringForwardingThenRestartedMissesNothingAcknowledged() throws {
        let central = try MosquittoBroker()
        let subscriber = try CentralSubscriber(broker: central, prefix: "central/e2e")
        defer { subscriber.stop() }
        let harness = try GatewayHarness(extra: GatewayHarness.uplinkSection(central: central))
        try harness.startDaemon()
        let feed = try SequenceFeed(brokerURL: harness.broker.url)
        let total = 6_000
        // A steady stream (~2,000 msg/s) on its own thread, so that the kill lands while readings are
        // still being forwarded.
        feed.publishPaced(0..<total, perSecond: 2000)
        #expect(eventually(timeoutSeconds: 60) { subscriber.values.count >= 1_000 }, "\(harness.logs())")
        harness.killDaemon()
        #expect(harness.daemon?.endedBySignal == true)
        let receivedAtKill = subscriber.values.count
        #expect(eventually(timeoutSeconds: 60) {
            subscriber.messages.contains { if case .status("offline") = $0 { true } else { false } }
        }, "the central broker publishes the last will when the gateway vanishes")
        let outbox = try ForwardOutbox(path: harness.databasePath, synchronous: .normal)
        let cursorAtKill = try outbox.cursors().readings
        try outbox.close()
        #expect(cursorAtKill > 0, "the acknowledged cursor was saved before the kill")
        try harness.startDaemon()
        #expect(eventually(timeoutSeconds: 120) { feed.acknowledgedNumbers.count >= total })
        #expect(feed.finish())
        #expect(eventually(timeoutSeconds: 120) { subscriber.values == Set(0..<total) },
                "missing at central: \(Set(0..<total).subtracting(subscriber.values).sorted().prefix(20))\n\(harness.logs())")
        #expect(receivedAtKill < total, "the kill happened after forwarding ended; the test proved nothing")
        let readings = subscriber.readings
        checkDedupable(readings, generation: try harness.reader().generation)
        // Resumed from the saved cursor, not from the start: nothing at or below it was sent again.
        let resent = readings.filter { $0.seq <= cursorAtKill }.count - Set(readings.filter { $0.seq <= cursorAtKill }.map(\.seq)).count
        #expect(resent == 0, "\(resent) readings the broker had acknowledged before the kill were forwarded again")
        #expect(harness.stopDaemon() == 0, "\(harness.logs())")
    }
}

/// The buffer policy in the running daemon: a store held under `buffer.max_bytes` by dropping the
/// oldest readings, every one of them counted.
@Suite(.serialized) struct BufferEndToEndTests {
    @Test func aFullStoreDropsTheOldestReadingsAndCountsEveryOne() throws {
        let harness = try GatewayHarness(extra: "buffer: { max_bytes: 2MiB, when_full: drop_oldest_readings }")
        try harness.startDaemon()
        let feed = try SequenceFeed(brokerURL: harness.broker.url)
        // ~1.5× what fits in 2 MiB, so that the store passes `max_bytes` while the feed runs (40,000
        // readings left it at 98 %, and the test then waited ~60 s for some later write to push it over).
        let total = 60_000
        for i in 0..<total { try feed.publish(i) }
        #expect(feed.finish())
        var buffer: [String: Any] = [:]
        var ingest: [String: Any] = [:]
        var stored = 0
        // Settled: everything stored, at least one pass dropped, and stored + dropped accounts for
        // every reading exactly.
        #expect(eventually(timeoutSeconds: 120) {
            let status = harness.statusJSON() ?? [:]
            buffer = status["buffer"] as? [String: Any] ?? [:]
            ingest = status["ingest"] as? [String: Any] ?? [:]
            stored = harness.storedCount()
            let dropped = buffer["dropped"] as? Int ?? 0
            return ingest["readings_stored"] as? Int == total && dropped > 0 && buffer["full"] as? Bool == false
                && stored + dropped + (buffer["retention_deleted"] as? Int ?? 0) == total
        }, "stored \(stored), buffer \(buffer), ingest \(ingest)\n\(harness.logs())")
        #expect(buffer["dropped_unforwarded"] as? Int == 0, "without an uplink nothing waits to be forwarded")
        #expect((buffer["used_bytes"] as? Int ?? .max) <= 2 << 20)
        // Oldest first: what is left is the newest readings.
        let values = try harness.storedValues()
        #expect(values.min() == total - values.count, "the oldest were dropped, the newest kept")
        #expect(harness.logs().contains("buffer.dropped"))
        // The operators were told: `buffer.dropping` and `buffer.high_water` were raised (each
        // cleared once a pass found no cause; unacknowledged, they stay listed), and the high-water
        // alert follows the store's size at the latest pass: the hot tier's merge and the vacuum
        // after the drops may take the store below 80 % after ingest ends, or not.
        var alerts: [String: String] = [:]
        var usedBytes = 0
        #expect(eventually(timeoutSeconds: 60) {
            alerts = Dictionary(
                ((try? harness.reader().alerts(AlertFilter(states: []))) ?? []).map { ($0.ruleID, $0.state) },
                uniquingKeysWith: { first, _ in first })
            usedBytes = (harness.statusJSON()?["buffer"] as? [String: Any])?["used_bytes"] as? Int ?? 0
            let highWaterNow = Double(usedBytes) >= 0.8 * Double(2 << 20)
            return alerts["buffer.dropping"] != nil
                && alerts["buffer.high_water"] == (highWaterNow ? "active_unack" : "cleared_unack")
        }, "\(alerts), used \(usedBytes) of \(2 << 20) bytes")
        #expect(try harness.reader().alerts(AlertFilter(states: [])).first { $0.ruleID == "buffer.dropping" }?.severity == "critical")
        #expect(harness.stopDaemon() == 0, "\(harness.logs())")
    }
}
