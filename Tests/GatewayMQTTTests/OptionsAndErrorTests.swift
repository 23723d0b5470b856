import GatewayCore
import GatewayMQTT
import Logging
import Testing

@Suite("Options and errors")
struct OptionsAndErrorTests {
    private func options(_ change: (inout MQTTClientOptions) -> Void = { _ in }) -> MQTTClientOptions {
        var options = MQTTClientOptions(
            broker: BrokerSettings(url: BrokerURL(host: "127.0.0.1", port: 1883, usesTLS: false), clientID: "gw"),
            password: "s3cret", subscriptions: [MQTTSubscription(filter: "site/+/#", qos: 1)], statusTopic: "gw/status")
        change(&options)
        return options
    }

    @Test("valid options have no problems")
    func valid() throws {
        #expect(options().problems().isEmpty)
        try options().validate()
    }

    @Test("every problem is reported at once, naming the option")
    func allProblems() {
        let problems = options { o in
            o.broker.keepaliveSeconds = 2
            o.broker.protocolVersion = .v311
            o.subscriptions = [
                MQTTSubscription(filter: "a/#/b", qos: 1), MQTTSubscription(filter: "x", qos: 3),
                MQTTSubscription(filter: "$share/g/site/#", qos: 1),
            ]
            o.statusTopic = "gw/+"
            o.maxBatchMessages = 0
        }.problems()
        #expect(problems.count == 6)
        #expect(problems.contains { $0.contains("keepalive") && $0.contains("got 2") })
        #expect(problems.contains { $0.contains("a/#/b") })
        #expect(problems.contains { $0.contains("qos must be 0, 1 or 2, got 3") })
        #expect(problems.contains { $0.contains("$share/g/site/#") && $0.contains("protocol 5") })
        #expect(problems.contains { $0.contains("status topic") })
        #expect(problems.contains { $0.contains("max batch messages") })
        #expect(throws: MQTTError.self) { try options { $0.maxBatchMessages = 0 }.validate() }
    }

    @Test("the password never appears in the options' text")
    func passwordRedacted() {
        let o = options()
        #expect(!"\(o)".contains("s3cret"))
        #expect(!String(reflecting: o).contains("s3cret"))
        var dumped = ""
        dump(o, to: &dumped)
        #expect(!dumped.contains("s3cret"))
    }

    @Test("errors keep libmosquitto's code and text, and never collapse unknown codes")
    func errorText() {
        let lost = MQTTError(kind: .library, code: 7, message: "The connection was lost.", context: "mosquitto_loop_read")
        #expect("\(lost)".contains("MOSQ_ERR_CONN_LOST"))
        #expect("\(lost)".contains("7"))
        let unknown = MQTTError(kind: .library, code: 999, message: "x", context: "c")
        #expect("\(unknown)".contains("999"))
    }

    @Test("a client whose options are invalid throws from run() instead of retrying forever")
    func runRejectsInvalidOptions() {
        let handler = RecordingHandler()
        let client = MQTTIngestClient(
            options: options { $0.broker.keepaliveSeconds = 1 }, handler: handler,
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        #expect(throws: MQTTError.self) { try client.run() }
    }
}
