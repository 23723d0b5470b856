import Foundation
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
        pipeline = try Self.pipeline(store: store, stage: stage, stagesOnOwnThread: false)
    }

    /// A pipeline with one route, `t/+` (gas leak readings as JSON), feeding `stage`.
    static func pipeline(store: ReadingStore, stage: RecordingStage, stagesOnOwnThread: Bool) throws -> IngestPipeline {
        let route = RouteConfiguration(
            id: "t", topic: "t/+", utility: .literal("gas"), site: .literal("s"),
            device: try FieldTemplate.parse("{topic.1}").get(), timestamp: TimestampMapping(path: "ts", format: .epochMillis),
            metrics: [MetricMapping(name: "gas_leak", path: "leak", unit: "%LEL")])
        return IngestPipeline(
            decoder: try MessageDecoder(routes: [route], limits: IngestSettings()), store: store, sessionKey: nil,
            stages: [stage], stagesOnOwnThread: stagesOnOwnThread, logger: Logger(label: "test"))
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

/// In the daemon the stages run on a thread of their own, woken by the commits.
@Suite final class StageThreadTests {
    let directory: TemporaryDirectory
    let store: ReadingStore
    let stage = StageHandoffTests.RecordingStage()
    let pipeline: IngestPipeline
    let handoff: StageHandoffTests

    init() throws {
        handoff = try StageHandoffTests()
        directory = handoff.directory
        store = handoff.store
        pipeline = try StageHandoffTests.pipeline(store: store, stage: stage, stagesOnOwnThread: true)
    }

    @Test func aCommitWakesTheStagesThreadAndMaintenanceNoLongerRunsThem() throws {
        try pipeline.handle([handoff.message(1), handoff.message(2, device: "d2")])
        pipeline.maintenance()
        #expect(stage.handed.withLock { $0.isEmpty }, "the ingest loop's maintenance leaves the stages to their thread")
        let done = Atomic<Bool>(false)
        let thread = Thread { [pipeline] in
            pipeline.runStagesUntilStopped()
            done.store(true, ordering: .releasing)
        }
        thread.start()
        #expect(eventually { self.stage.handed.withLock { $0.compactMap { $0 }.count } == 1 })
        try pipeline.handle([handoff.message(3)])
        #expect(eventually { self.stage.handed.withLock { $0.compactMap { $0 }.flatMap(\.readings).count } == 3 })
        pipeline.stopStages()
        #expect(eventually { done.load(ordering: .acquiring) }, "stopStages ends the loop")
        let handed = stage.handed.withLock { $0.compactMap { $0 } }
        #expect(handed.flatMap(\.readings) == (try store.readings(afterSeq: 0, limit: 10)), "everything, once, in store order")
    }

    @Test func readingsBeyondTheMemoryLimitAreLeftToTheStore() throws {
        // Commits the stage has not taken: beyond the limit the older ones are dropped from memory
        // (the stage reads them from the store), so what it is handed starts later.
        let perBatch = 1_000
        let batches = IngestPipeline.uncollectedLimit / perBatch + 1
        for batch in 0..<batches {
            try pipeline.handle((0..<perBatch).map { handoff.message(batch * perBatch + $0 + 1) })
        }
        let thread = Thread { [pipeline] in pipeline.runStagesUntilStopped() }
        thread.start()
        defer { pipeline.stopStages() }
        #expect(eventually { !self.stage.handed.withLock { $0.isEmpty } })
        let first = try #require(stage.handed.withLock { $0.first ?? nil })
        #expect(first.readings.count <= IngestPipeline.uncollectedLimit)
        #expect(first.afterSeq > 0, "the oldest commits were left to the store")
    }
}
