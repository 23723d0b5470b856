import GatewayAdapters
import GatewayCore
import GatewayIngest
import GatewayStore
import GatewayTestSupport
import Logging
import Synchronization
import Testing

/// The stages after the store get what the commits since their last call stored, from memory.
@Suite final class StageHandoffTests {
    /// Records what the pipeline hands it.
    final class RecordingStage: CommittedReadingsStage {
        let handed = Mutex<[CommittedReadings?]>([])
        func catchUp(limit: Int, committed: CommittedReadings?) throws -> Int {
            handed.withLock { $0.append(committed) }
            return committed?.readings.count ?? 0
        }
        func tick() throws {}
        func record(_ event: GatewayEvent) throws {}
    }

    let directory: TemporaryDirectory
    let store: ReadingStore
    let stage = RecordingStage()
    let pipeline: IngestPipeline

    init() throws {
        directory = try TemporaryDirectory(prefix: "handoff")
        store = try ReadingStore(path: directory.file("gateway.sqlite").path, synchronous: .normal, logger: Logger(label: "test"))
        let route = RouteConfiguration(
            id: "t", topic: "t/+", utility: .literal("gas"), site: .literal("s"),
            device: try FieldTemplate.parse("{topic.1}").get(), timestamp: TimestampMapping(path: "ts", format: .epochMillis),
            metrics: [MetricMapping(name: "gas_leak", path: "leak", unit: "%LEL")])
        pipeline = IngestPipeline(
            decoder: try MessageDecoder(routes: [route], limits: IngestSettings()), store: store, sessionKey: nil,
            stages: [stage], logger: Logger(label: "test"))
    }

    deinit { try? store.close() }

    func message(_ ts: Int, device: String = "d1") -> InboundMessage {
        InboundMessage(
            topic: "t/\(device)", payload: Array(#"{"ts":\#(ts),"leak":2.5}"#.utf8), qos: 1, retain: false, receivedAt: 5)
    }

    @Test func theCommitsSinceTheLastCallAreHandedOverInStoreOrder() throws {
        try pipeline.handle([message(1), message(2, device: "d2")])
        try pipeline.handle([message(1), message(3)])  // a redelivered duplicate and a new reading
        pipeline.maintenance()
        pipeline.maintenance()
        let handed = stage.handed.withLock { $0 }
        #expect(handed.count == 2)
        let first = try #require(handed[0])
        let last = try store.lastSeq()
        let stored = try store.readings(afterSeq: 0, limit: 10)
        #expect(first.afterSeq == 0 && first.throughSeq == last)
        #expect(first.readings.map(\.timestamp) == [1, 2, 3])
        #expect(first.readings == stored, "exactly what the store holds")
        #expect(handed[1] == nil, "handed over once")
    }
}
