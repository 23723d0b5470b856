import Foundation
#if canImport(Glibc)
import Glibc
#endif
import GatewayCore
import GatewayMQTT
import GatewayTestSupport
import Synchronization
import Testing

/// The loop's heartbeat (what the daemon turns into systemd's `WATCHDOG=1`) and subscription
/// changes on a running client (what a configuration reload does).
@Suite("Ingest client: heartbeat and subscription changes", .timeLimit(.minutes(3)))
struct LoopHeartbeatTests {
    /// Where each heartbeat ran, and whether a batch was being handled at that moment.
    final class Beats: Sendable {
        private let state = Mutex<(count: Int, threads: Set<UInt>, batchThreads: Set<UInt>, duringBatch: Int)>((0, [], [], 0))
        let inBatch = Atomic<Bool>(false)

        func handling(_ started: Bool) {
            inBatch.store(started, ordering: .relaxed)
            let thread = UInt(pthread_self())
            state.withLock { _ = $0.batchThreads.insert(thread) }
        }

        func beat() {
            let thread = UInt(pthread_self())
            let during = inBatch.load(ordering: .relaxed)
            state.withLock { state in
                state.count += 1
                state.threads.insert(thread)
                if during { state.duringBatch += 1 }
            }
        }

        var count: Int { state.withLock { $0.count } }
        var threads: Set<UInt> { state.withLock { $0.threads } }
        var batchThreads: Set<UInt> { state.withLock { $0.batchThreads } }
        var duringBatch: Int { state.withLock { $0.duringBatch } }
    }

    @Test("heartbeats come from the loop thread itself, never while a batch is being handled, and during backoff")
    func heartbeatIsTheLoops() throws {
        let broker = try MosquittoBroker()
        broker.stop()
        let beats = Beats()
        let runner = ClientRunner(
            options: testOptions(broker: broker, clientID: "heartbeat", filters: [("hb/#", 1)]),
            handler: RecordingHandler(handling: { beats.handling($0) }),
            heartbeat: { beats.beat() })
        // No broker: the loop backs off and retries, and keeps beating.
        #expect(eventually { beats.count >= 3 })
        try broker.start()
        #expect(eventually { runner.handler.subscribedCount == 1 })
        let publisher = try testPublisher(broker)
        for i in 0..<500 { try publisher.publish(topic: "hb/\(i % 7)", payload: .text("\(i)"), qos: 1) }
        #expect(eventually { runner.handler.messages.count == 500 })
        let before = beats.count
        #expect(eventually { beats.count > before }, "the loop beats while connected")
        try runner.stop()
        publisher.disconnect()
        // Same thread as the batches: a loop stuck in a batch (or anywhere) stops beating.
        #expect(beats.threads.count == 1)
        #expect(beats.threads == beats.batchThreads)
        #expect(beats.duringBatch == 0)
    }

    @Test("replaceSubscriptions unsubscribes what is gone and subscribes what is new, on the live connection")
    func subscriptionsChangeLive() throws {
        let broker = try MosquittoBroker()
        let runner = ClientRunner(options: testOptions(broker: broker, clientID: "resubscribe", filters: [("old/#", 1)]))
        #expect(eventually { runner.handler.subscribedCount == 1 })
        runner.client.replaceSubscriptions([MQTTSubscription(filter: "new/#", qos: 1)])
        #expect(eventually { runner.handler.subscribedCount == 2 })
        let publisher = try testPublisher(broker)
        try publisher.publish(topic: "old/a", payload: .text("gone"), qos: 1)
        try publisher.publish(topic: "new/a", payload: .text("kept"), qos: 1)
        #expect(eventually { runner.handler.payloads(onTopic: "new/a") == ["kept"] })
        #expect(runner.handler.payloads(onTopic: "old/a").isEmpty, "old/# was unsubscribed")
        #expect(runner.client.reconnects == 0, "no reconnect was needed")
        try runner.stop()
        publisher.disconnect()
    }
}
