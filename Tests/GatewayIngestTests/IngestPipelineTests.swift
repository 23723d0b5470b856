import GatewayAdapters
import GatewayCore
import GatewayIngest
import GatewayStore
import GatewayTestSupport
import Logging
import Testing

/// The batch handler with a real SQLite file: what a batch becomes, and what a missing broker
/// session is recorded as.
///
/// A class so that `deinit` closes the store before the folder is deleted: SQLite keys its lock and
/// WAL-index state by inode, and a file deleted under an open connection can hand that state to the
/// next test's new file with the same inode (seen as other suites' reads coming back empty).
@Suite final class IngestPipelineTests {
    let directory: TemporaryDirectory
    let store: ReadingStore
    let pipeline: IngestPipeline

    init() throws {
        directory = try TemporaryDirectory(prefix: "ingest")
        store = try ReadingStore(path: directory.file("gateway.sqlite").path, synchronous: .normal, logger: Logger(label: "test"))
        let route = RouteConfiguration(
            id: "t", topic: "t/+", utility: .literal("gas"), site: .literal("s"),
            device: try FieldTemplate.parse("{topic.1}").get(), timestamp: TimestampMapping(path: "ts", format: .epochMillis),
            metrics: [MetricMapping(name: "gas_leak", path: "leak", unit: "%LEL")])
        let decoder = try MessageDecoder(routes: [route], limits: IngestSettings())
        pipeline = IngestPipeline(decoder: decoder, store: store, sessionKey: "mqtt://127.0.0.1:1883#gw", logger: Logger(label: "test"))
    }

    deinit {
        try? store.close()
    }

    func message(_ payload: String, topic: String = "t/d1") -> InboundMessage {
        InboundMessage(topic: topic, payload: Array(payload.utf8), qos: 1, retain: false, receivedAt: 5)
    }

    @Test func aBatchBecomesReadingsAndQuarantineInOneCommitAndRedeliveryIsNotDuplicated() throws {
        let batch = [message(#"{"ts":1,"leak":2.5}"#), message("garbage"), message(#"{"ts":2,"leak":3}"#, topic: "t/d2")]
        try pipeline.handle(batch)
        try pipeline.handle(batch)  // the broker redelivers the same batch after a crash
        let reader = try StoreReader(path: store.path)
        let counts = try reader.counts()
        #expect(counts.readings == 2)
        #expect(counts.quarantined == 2, "quarantine records are kept per delivery, not deduplicated (README)")
        #expect(pipeline.counters.snapshot["duplicates_skipped"] == 2)
        #expect(pipeline.counters.snapshot["messages_received"] == 6)
        #expect(pipeline.counters.quarantineCounts == [.init(route: "t", reason: .malformed): 2])
    }

    @Test func firstSessionIsCreatedThenALostSessionIsAPossibleDataGap() throws {
        pipeline.connectionChanged(.connected(sessionPresent: false))
        pipeline.connectionChanged(.connected(sessionPresent: true))
        pipeline.connectionChanged(.connected(sessionPresent: false))
        let kinds = try StoreReader(path: store.path).events(limit: 10).map(\.event.kind)
        #expect(Set(kinds) == [.sessionCreated, .possibleDataGap])
        #expect(kinds.count == 2)
    }
}
