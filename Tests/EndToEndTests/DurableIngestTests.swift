import Foundation
import GatewayCore
import GatewayStore
import GatewayTestSupport
import Testing

/// The promise "nothing acknowledged is lost", tested by doing each fault for real: a real broker,
/// the real daemon binary, a real SQLite file, SIGKILL, broker restarts, downtime.
@Suite(.serialized) struct DurableIngestTests {
    @Test func tenThousandQoS1ReadingsAreStoredExactlyWithValuesAndTimestamps() throws {
        let harness = try GatewayHarness()
        try harness.startDaemon()
        let feed = try SequenceFeed(brokerURL: harness.broker.url)
        for i in 0..<10_000 { try feed.publish(i) }
        #expect(feed.finish())
        let stored = eventually(timeoutSeconds: 120) { harness.storedCount() >= 10_000 }
        #expect(stored, "stored \(harness.storedCount()) of 10000\n\(harness.logs())")
        let readings = try harness.reader().readings(ReadingFilter(limit: 1_000_000))
        #expect(readings.count == 10_000)
        for reading in readings {
            let i = Int(reading.value)
            #expect(reading.timestamp == feed.base + EpochMillis(i))
            #expect(reading.device == "dev-\(i % 10)" && reading.metric == "volume" && reading.unit == "m3")
            #expect(reading.utility == .water && reading.site == "lab" && reading.topic == "t/dev-\(i % 10)")
        }
        #expect(Set(readings.map { Int($0.value) }) == Set(0..<10_000))
        let seqs = readings.compactMap(\.seq)
        #expect(Set(seqs).count == 10_000)
        #expect(harness.stopDaemon() == 0)
    }

    @Test func killedWithSIGKILLMidStreamThenRestartedStoresEveryAcknowledgedMessageOnce() throws {
        let harness = try GatewayHarness()
        try harness.startDaemon()
        let feed = try SequenceFeed(brokerURL: harness.broker.url)
        let total = 6_000
        // A steady stream (~2,000 msg/s) on a thread of its own, while this test kills the daemon
        // (the kill must land mid-stream).
        feed.publishPaced(0..<total, perSecond: 2000)
        #expect(eventually(timeoutSeconds: 60) { harness.storedCount() >= 1_000 })
        harness.killDaemon()
        #expect(harness.daemon?.endedBySignal == true)
        let storedAtKill = harness.storedCount()
        try harness.startDaemon()
        #expect(eventually(timeoutSeconds: 120) { feed.acknowledgedNumbers.count >= total })
        #expect(feed.finish())
        let acknowledged = feed.acknowledgedNumbers
        #expect(eventually(timeoutSeconds: 120) { (try? Set(harness.storedValues()).isSuperset(of: acknowledged)) ?? false },
                "missing after restart: \(acknowledged.subtracting((try? harness.storedValues()) ?? []).sorted().prefix(20))\n\(harness.logs())")
        let values = try harness.storedValues()
        #expect(values.count == Set(values).count, "a message was stored twice")
        #expect(storedAtKill < total, "the kill happened after the stream ended; the test proved nothing")
        #expect(harness.stopDaemon() == 0)
    }

    @Test func brokerRestartMidStreamLosesNothingAcknowledged() throws {
        let harness = try GatewayHarness()
        try harness.startDaemon()
        let feed = try SequenceFeed(brokerURL: harness.broker.url)
        for i in 0..<2_000 { try feed.publish(i) }
        #expect(eventually(timeoutSeconds: 60) { harness.storedCount() >= 500 })
        harness.broker.stop()
        try harness.broker.restart()
        for i in 2_000..<4_000 { try feed.publish(i) }
        #expect(feed.finish())
        let acknowledged = feed.acknowledgedNumbers
        #expect(acknowledged.isSuperset(of: 2_000..<4_000), "messages after the restart were not acknowledged")
        #expect(eventually(timeoutSeconds: 120) { (try? Set(harness.storedValues()).isSuperset(of: acknowledged)) ?? false },
                "missing: \(acknowledged.subtracting((try? harness.storedValues()) ?? []).sorted().prefix(20))\n\(harness.logs())")
        let log = harness.logs()
        #expect(log.components(separatedBy: "mqtt.subscribed").count - 1 >= 2, "did not resubscribe after the restart")
        #expect(harness.stopDaemon() == 0)
    }

    @Test func messagesPublishedWhileTheDaemonIsDownAreStoredAfterItRestarts() throws {
        let harness = try GatewayHarness()
        try harness.startDaemon()
        #expect(harness.stopDaemon() == 0)
        let feed = try SequenceFeed(brokerURL: harness.broker.url)
        for i in 0..<1_000 { try feed.publish(i) }
        #expect(feed.finish())
        #expect(harness.storedCount() == 0)
        try harness.startDaemon()
        #expect(eventually(timeoutSeconds: 60) { harness.storedCount() >= 1_000 }, "\(harness.logs())")
        #expect(Set(try harness.storedValues()) == Set(0..<1_000))
        let kinds = try harness.reader().events(limit: 10).map(\.event.kind)
        #expect(kinds == [.sessionCreated], "the broker kept our session: no data gap to report")
        #expect(harness.stopDaemon() == 0)
    }

    @Test func aBrokerThatLostOurSessionIsRecordedAsAPossibleDataGap() throws {
        var configuration = MosquittoBroker.Configuration()
        configuration.persistence = false
        let harness = try GatewayHarness(broker: MosquittoBroker(configuration: configuration))
        try harness.startDaemon()
        harness.broker.kill()
        try harness.broker.restart()
        let recorded = eventually(timeoutSeconds: 60) {
            ((try? harness.reader().events(limit: 10).map(\.event.kind)) ?? []).contains(.possibleDataGap)
        }
        #expect(recorded, "\(harness.logs())")
        #expect(harness.stopDaemon() == 0)
    }
}
