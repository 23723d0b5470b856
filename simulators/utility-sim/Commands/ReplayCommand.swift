import ArgumentParser
import Foundation
import GatewayCore
import GatewayMQTT

/// `utility-sim replay`: publishes a capture again with its original spacing (or faster).
struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Publish a capture file (from utility-sim record) to a broker.",
        discussion: """
            Each message goes out with its recorded topic, payload, QoS and retain flag, at its recorded \
            offset divided by --speed. Payloads are not changed: their timestamps are the recorded \
            ones, so the gateway judges the replay on the same event times (within the routes' max_age).
            """)

    @Argument(help: ArgumentHelp("The capture file.", valueName: "file")) var file: String
    @Option(help: ArgumentHelp("The broker, mqtt://host:port.", valueName: "url")) var broker: String
    @Option(help: "Speed-up over the recorded spacing (above 0).") var speed: Double = 1
    @Option(help: "MQTT client id (default utility-sim-replay-<pid>).") var clientID: String?
    @Option(help: "Messages awaiting PUBACK at most.") var maxInFlight: Int = 50

    func validate() throws {
        guard BrokerURL(parsing: broker) != nil else {
            throw ValidationError("--broker must be mqtt://host:port or mqtts://host:port; got '\(broker)'")
        }
        guard speed > 0, speed.isFinite else { throw ValidationError("--speed must be above 0; got \(speed)") }
        guard (1...65_535).contains(maxInFlight) else { throw ValidationError("--max-in-flight must be 1…65535") }
    }

    func run() throws {
        let capture = try CaptureFile.read(path: file)
        var options = MQTTPublisherOptions(url: BrokerURL(parsing: broker)!, clientID: clientID ?? "utility-sim-replay-\(getpid())")
        options.maxInFlight = maxInFlight
        options.inFlightWaitTimeoutSeconds = 120
        let publisher = try MQTTPublisher(options: options)
        let started = ContinuousClock.now
        for message in capture.messages {
            let due = started + .milliseconds(Int64(Double(message.tMillis) / speed))
            let wait = due - ContinuousClock.now
            if wait > .zero { Thread.sleep(forTimeInterval: Double(wait.milliseconds) / 1000) }
            try publisher.publish(
                topic: message.topic, payload: Array(Data(base64Encoded: message.payload) ?? Data()), qos: message.qos,
                retain: message.retain)
        }
        let acknowledged = publisher.waitForAcknowledgements(timeoutSeconds: 60)
        publisher.disconnect()
        print("replayed \(capture.messages.count) messages of '\(capture.header.topic)' from \(file) at speed \(speed)")
        if !acknowledged { throw RunError("not every message was acknowledged by the broker within 60 s") }
    }
}
