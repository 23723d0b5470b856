import GatewayCore
import GatewayMQTT
import GatewayTestSupport
import Testing

/// What the uplink forwarder needs from `MQTTPublisher` beyond publishing: clients created and
/// thrown away many times over an outage, a last will, and the link state.
@Suite("Publisher lifecycle", .timeLimit(.minutes(3)))
struct PublisherLifecycleTests {
    @Test("a refused connection throws, many times over, without corrupting memory")
    func refusedConnections() throws {
        let port = try LoopbackPort.free()  // nothing listens here
        for _ in 0..<20 {
            let options = MQTTPublisherOptions(url: BrokerURL(host: "127.0.0.1", port: port, usesTLS: false), clientID: "refused")
            #expect(throws: MQTTError.self) { _ = try MQTTPublisher(options: options) }
        }
    }

    @Test("a publisher dropped with messages unacknowledged (broker gone) is freed cleanly")
    func droppedWithMessagesInFlight() throws {
        let broker = try MosquittoBroker()
        var publisher: MQTTPublisher? = try testPublisher(broker, maxInFlight: 20)
        broker.kill()
        #expect(eventually { publisher?.isConnected == false })
        for i in 0..<5 {
            // Queued by libmosquitto while disconnected: they hold window slots until freed.
            _ = try publisher?.publish(topic: "gone/x", payload: .text("\(i)"), qos: 1)
        }
        #expect((publisher?.inFlightCount ?? 0) == 5)
        publisher?.disconnect()
        publisher = nil  // libdispatch traps here if the window semaphore is freed below its start value
    }

    @Test("the link state follows the broker: connected, lost with a reason, connected again")
    func linkState() throws {
        let broker = try MosquittoBroker()
        var options = MQTTPublisherOptions(
            url: BrokerURL(host: "127.0.0.1", port: broker.port, usesTLS: false), clientID: "link-pub")
        options.will = MQTTWill(topic: "link/status", payload: .text("offline"), qos: 1, retain: true)
        let publisher = try MQTTPublisher(options: options)
        #expect(eventually { publisher.isConnected })
        #expect(publisher.connectionCount == 1)
        #expect(publisher.lastConnectionProblem == nil)
        broker.stop()
        #expect(eventually { !publisher.isConnected })
        #expect(publisher.lastConnectionProblem != nil)
        try broker.start()
        #expect(eventually(timeoutSeconds: 60) { publisher.isConnected && publisher.connectionCount == 2 })
        publisher.disconnect()
    }
}
