import Foundation
import GatewayTestSupport
import Testing

/// Growing a site beyond one process: two gateways on one broker, each subscribed through the same
/// MQTT 5 shared subscription (`$share/gw/…`), split the load between them and together store every
/// message exactly once — each in its own store (README → "Scaling out").
@Suite(.serialized) struct ScaleOutTests {
    static let sharedRoutes = GatewayHarness.testRoutes.replacingOccurrences(
        of: #"topic: "t/+""#, with: #"topic: "$share/gw/t/+""#)

    @Test func twoGatewaysOnOneSharedSubscriptionStoreEveryMessageExactlyOnce() throws {
        let broker = try MosquittoBroker()
        let first = try GatewayHarness(broker: broker, clientID: "gw-a", routes: Self.sharedRoutes)
        let second = try GatewayHarness(broker: broker, clientID: "gw-b", routes: Self.sharedRoutes)
        try first.startDaemon()
        try second.startDaemon()
        let total = 4_000
        let feed = try SequenceFeed(brokerURL: broker.url)
        for i in 0..<total { try feed.publish(i) }
        #expect(feed.finish())
        #expect(feed.acknowledgedNumbers.count == total)
        let together = eventually(timeoutSeconds: 120) { first.storedCount() + second.storedCount() >= total }
        #expect(together, "stored \(first.storedCount()) + \(second.storedCount()) of \(total)")
        let a = try first.storedValues()
        let b = try second.storedValues()
        // Both took part: the broker spreads a shared subscription's messages over its members.
        #expect(!a.isEmpty && !b.isEmpty, "one gateway stored everything: \(a.count) + \(b.count)")
        #expect(a.count + b.count == total, "a message was stored twice or lost: \(a.count) + \(b.count)")
        #expect(Set(a).isDisjoint(with: Set(b)), "both gateways stored the same message")
        #expect(Set(a).union(b) == Set(0..<total))
        #expect(first.stopDaemon() == 0)
        #expect(second.stopDaemon() == 0)
    }
}
