import Foundation
import GatewayCore
import GatewayStore
import GatewayTestSupport
import Testing

/// Issue 6, item 4, done for real: the real daemon POSTs alert and ticket events to receivers on
/// 127.0.0.1 that fail for a while — HTTP 500, then refused connections, then a request held
/// unanswered while the daemon is killed with SIGKILL. Asserts what arrived, never how fast.
@Suite(.serialized) struct WebhookEndToEndTests {
    static let secret = "e2e-webhook-secret-0123456789"

    func notifySection(all: WebhookReceiver, pager: WebhookReceiver, secretFile: String) -> String {
        """
        notify:
          webhooks:
            - name: all-events
              url: \(all.url)
              events: [alert.*, ticket.*]
              secret_file: \(secretFile)
              timeout: 120s
              retry: { initial: 50ms, max: 500ms }
            - name: pager
              url: \(pager.url)
              events: [alert.active]
              secret_file: \(secretFile)
              retry: { initial: 50ms, max: 500ms }
        """
    }

    /// Every (stream, seq) of both histories in the store, with the event's kind.
    func storedEvents(_ harness: GatewayHarness) throws -> [OutboxEvent] {
        let outbox = try ForwardOutbox(path: harness.databasePath, synchronous: .normal)
        defer { try? outbox.close() }
        return try outbox.events(after: ForwardCursors(), limit: 1_000_000)
    }

    func key(_ event: OutboxEvent) -> String { "\(event.stream.rawValue)#\(event.seq)" }

    @Test func everyEventArrivesInOrderSignedThroughFailuresRefusalsAndAKill() throws {
        let files = try TemporaryDirectory(prefix: "webhook-e2e")
        let secretFile = files.file("webhook-secret").path
        try "\(Self.secret)\n".write(toFile: secretFile, atomically: true, encoding: .utf8)
        let receiver = try WebhookReceiver(mode: .fail(500))
        let pager = try WebhookReceiver(mode: .accept)
        defer {
            receiver.stop()
            pager.stop()
        }
        let harness = try GatewayHarness(
            extra: RulesEndToEndTests.rules + "\n" + notifySection(all: receiver, pager: pager, secretFile: secretFile))
        try harness.startDaemon()
        let feed = try SequenceFeed(brokerURL: harness.broker.url)
        let total = 600
        for i in 0..<total { try feed.publish(i) }
        #expect(feed.finish())
        #expect(eventually(timeoutSeconds: 60) { harness.storedCount() >= total }, "\(harness.logs())")
        // Every device goes above 50: ten critical alerts, each with a ticket.
        #expect(eventually(timeoutSeconds: 60) { ((try? harness.reader().tickets(TicketFilter()).count) ?? 0) >= 10 })

        // 1. The receiver answers 500: retried, nothing counts as delivered.
        #expect(eventually(timeoutSeconds: 60) { receiver.requests.count >= 3 }, "\(harness.logs())")
        #expect(receiver.accepted.isEmpty)
        // 2. It refuses connections.
        receiver.stop()
        #expect(!LoopbackPort.accepts(receiver.port), "a stopped receiver refuses connections")
        let failedBefore = harness.logs().components(separatedBy: "webhook.attempt_failed").count
        #expect(eventually(timeoutSeconds: 60) {
            harness.logs().components(separatedBy: "webhook.attempt_failed").count >= failedBefore + 3
        }, "attempts go on while the receiver refuses connections\n\(harness.logs().suffix(3000))")
        // 3. It accepts five, then holds the sixth unanswered: the daemon is killed with it in flight.
        receiver.setMode(.acceptThenHold(count: 5))
        try receiver.start()
        #expect(eventually(timeoutSeconds: 60) { receiver.requests.contains { $0.status == nil } }, "\(harness.logs())")
        harness.killDaemon()
        #expect(harness.daemon?.endedBySignal == true)
        let acceptedAtKill = Set(receiver.accepted.map(\.key)).count
        receiver.stop()
        receiver.setMode(.accept)
        try receiver.start()
        try harness.startDaemon()

        // Everything arrives: every event of both histories, at least once.
        let stored = try storedEvents(harness)
        #expect(stored.count >= 20)
        #expect(acceptedAtKill == 5 && acceptedAtKill < stored.count, "the kill landed while events were being delivered")
        var missing: [String] = []
        #expect(eventually(timeoutSeconds: 120) {
            let now = (try? storedEvents(harness)) ?? stored
            missing = Set(now.map(key)).subtracting(receiver.accepted.map(\.key)).sorted()
            return missing.isEmpty
        }, "never delivered: \(missing.prefix(20))\n\(harness.logs())")

        let generation = try harness.reader().generation
        let requests = receiver.requests
        for request in requests {
            #expect(WebhookReceiver.signatureVerifies(request, secret: Self.secret), "a bad signature on \(request.key)")
            let json = request.json
            #expect(json["gateway"] as? String == "e2e" && json["generation"] as? String == generation)
            #expect(request.headers["x-utility-gateway-event"] == json["name"] as? String)
            #expect(request.headers["x-utility-gateway-delivery"]
                == "e2e/\(generation)/\(json["stream"] as? String ?? "")/\(json["seq"] as? Int ?? -1)")
        }
        // In order: per history, the first acceptance of each event comes in seq order; a duplicate is
        // the same document again (the receiver dedupes by gateway, generation, stream, seq).
        var firstSeen: [String: [UInt8]] = [:]
        var lastSeq: [String: Int] = [:]
        for request in receiver.accepted {
            if let earlier = firstSeen[request.key] {
                #expect(earlier == request.body, "\(request.key) was sent as two different documents")
                continue
            }
            firstSeen[request.key] = request.body
            let stream = request.json["stream"] as? String ?? "?"
            let seq = request.json["seq"] as? Int ?? -1
            #expect(seq > lastSeq[stream, default: 0], "\(stream) #\(seq) arrived after #\(lastSeq[stream, default: 0])")
            lastSeq[stream] = seq
        }

        // The filtered webhook got exactly the activations, each once it was accepted.
        let activations = Set(try storedEvents(harness).filter { $0.stream == .alertHistory && $0.kind == "activated" }.map(key))
        #expect(!activations.isEmpty)
        #expect(eventually(timeoutSeconds: 60) { Set(pager.accepted.map(\.key)) == activations },
                "pager: \(pager.accepted.map(\.key).sorted()) vs \(activations.sorted())")
        #expect(pager.requests.allSatisfy { $0.json["name"] as? String == "alert.active" })
        // The status document reports both webhooks; the one that delivered since the restart says so.
        var hooks: [[String: Any]] = []
        #expect(eventually(timeoutSeconds: 60) {
            hooks = harness.statusJSON()?["webhooks"] as? [[String: Any]] ?? []
            return hooks.map { $0["name"] as? String } == ["all-events", "pager"]
                && (hooks[0]["delivered"] as? Int ?? 0) > 0 && hooks[0]["state"] as? String == "idle"
                && hooks[0]["pending"] as? Int == 0 && hooks[0]["url"] as? String == receiver.url
        }, "\(hooks)")
        #expect(harness.stopDaemon() == 0, "\(harness.logs())")
    }
}
