import ArgumentParser
import Foundation
import GatewayCore
import GatewayMQTT

/// `utility-sim publish`: JSON readings from N simulated devices at a steady rate.
struct PublishCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "publish",
        abstract: "Publish realistic readings (JSON, CSV, XML or SenML) from simulated devices.",
        discussion: """
            Devices take turns through water, power and gas; each message is one device's reading of \
            its metrics, on <topic-prefix>/<utility>/<site>/<device>/telemetry, as \
            {"seq":N,"ts":EPOCH_MS,"<metric>":VALUE,…}. "seq" numbers the messages of a run from \
            --first-seq. Values are the same for the same --seed; timestamps are the wall clock, \
            strictly increasing per device. --format csv|xml|senml writes the same metrics in that \
            format instead (see PublishFormat); CSV carries --rows reading times per message.
            """)

    @Option(help: ArgumentHelp("The broker, mqtt://host:port.", valueName: "url")) var broker: String
    @Option(help: "How many simulated devices (1…100000).") var devices: Int = 30
    @Option(help: ArgumentHelp("Messages per second over all devices; 0 publishes as fast as the broker acknowledges.", valueName: "msgs-per-s"))
    var rate: Double = 100
    @Option(help: ArgumentHelp("How long to publish: 30s, 5m, …", valueName: "duration")) var duration: String?
    @Option(help: "How many messages to publish (instead of, or as well as, --duration: whichever ends first).")
    var count: Int?
    @Option(help: "QoS 0 or 1.") var qos: Int = 1
    @Option(help: "Seed of the value generator.") var seed: UInt64 = 42
    @Option(help: "First level(s) of every topic.") var topicPrefix: String = "utilities"
    @Option(help: "Sequence number of the first message.") var firstSeq: Int64 = 1
    @Option(help: "Messages awaiting PUBACK at most (QoS 1).") var maxInFlight: Int = 50
    @Option(help: "MQTT client id (default utility-sim-<pid>).") var clientID: String?
    @Option(help: ArgumentHelp("Append each sequence number the broker acknowledged to this file, one per line.", valueName: "file"))
    var ackLog: String?
    @Option(help: "Payload format: json, csv, xml or senml.") var format: String = "json"
    @Option(help: "Reading times per CSV message (1…1000).") var rows: Int = 1
    @Flag(help: "Embed the publish wall time in JSON as \"sent_us\" (microseconds), for bench/run's latency trace.")
    var sendTime = false

    func validate() throws {
        guard BrokerURL(parsing: broker) != nil else {
            throw ValidationError("--broker must be mqtt://host:port or mqtts://host:port; got '\(broker)'")
        }
        guard (1...100_000).contains(devices) else { throw ValidationError("--devices must be 1…100000; got \(devices)") }
        guard rate >= 0, rate.isFinite else { throw ValidationError("--rate must be 0 or more; got \(rate)") }
        guard (0...1).contains(qos) else { throw ValidationError("--qos must be 0 or 1; got \(qos)") }
        guard (1...65_535).contains(maxInFlight) else { throw ValidationError("--max-in-flight must be 1…65535") }
        if let duration, DurationText.seconds(duration) == nil {
            throw ValidationError("--duration must be \(DurationText.expectation); got '\(duration)'")
        }
        if let count, count < 0 { throw ValidationError("--count must be 0 or more") }
        guard PublishFormat(rawValue: format) != nil else {
            throw ValidationError("--format must be one of \(PublishFormat.allCases.map(\.rawValue).joined(separator: ", ")); got '\(format)'")
        }
        guard (1...1000).contains(rows) else { throw ValidationError("--rows must be 1…1000; got \(rows)") }
        if sendTime && format != "json" { throw ValidationError("--send-time needs --format json") }
        if duration == nil && count == nil { throw ValidationError("give --duration, --count or both") }
    }

    func run() throws {
        let url = BrokerURL(parsing: broker)!
        let format = PublishFormat(rawValue: self.format)!
        let rowsPerMessage = format == .csv ? rows : 1
        let fleet = (0..<devices).map { SimulatedDevice(index: $0, topicPrefix: topicPrefix) }
        let ledger = AckLedger()
        var options = MQTTPublisherOptions(url: url, clientID: clientID ?? "utility-sim-\(getpid())")
        options.maxInFlight = maxInFlight
        let publisher = try MQTTPublisher(options: options, onAcknowledged: { ledger.acknowledged(mid: $0) })

        var generator = SeededGenerator(seed: seed)
        var lastTimestamp = [EpochMillis](repeating: 0, count: devices)
        let clock = SystemWallClock()
        let start = ContinuousClock.now
        let limit = duration.flatMap(DurationText.seconds).map { Duration.milliseconds(Int64($0 * 1000)) }
        var sent = 0
        var sequence = firstSeq
        while count.map({ sent < $0 }) ?? true {
            let elapsed = ContinuousClock.now - start
            if let limit, elapsed >= limit { break }
            if rate > 0 {
                // Pace against the schedule, not the previous message, so the average rate holds.
                let due = start + .milliseconds(Int64(Double(sent) / rate * 1000))
                if due > ContinuousClock.now { Thread.sleep(forTimeInterval: Double((due - ContinuousClock.now).milliseconds) / 1000) }
            }
            let index = sent % devices
            let device = fleet[index]
            let timestamp = max(clock.now(), lastTimestamp[index] + 1)
            lastTimestamp[index] = timestamp + EpochMillis(rowsPerMessage - 1)
            let payload = device.payload(
                format: format, rows: rowsPerMessage, sequence: sequence, timestamp: timestamp,
                sentMicros: sendTime ? wallClockMicros() : nil, generator: &generator)
            let mid = try publisher.publish(topic: device.topic, payload: payload, qos: qos)
            if qos > 0 { ledger.published(mid: mid, sequence: sequence) }
            sent += 1
            sequence += 1
        }
        let allAcknowledged = publisher.waitForAcknowledgements(timeoutSeconds: 30)
        let seconds = Double((ContinuousClock.now - start).milliseconds) / 1000
        publisher.disconnect()
        let acknowledged = ledger.acknowledgedSequences
        if let ackLog {
            let text = acknowledged.map(String.init).joined(separator: "\n") + (acknowledged.isEmpty ? "" : "\n")
            try text.write(toFile: ackLog, atomically: true, encoding: .utf8)
        }
        let rateText = String(format: "%.0f", seconds > 0 ? Double(sent) / seconds : 0)
        print("published \(sent) messages from \(devices) devices in \(String(format: "%.1f", seconds)) s (\(rateText) msg/s), qos \(qos)"
            + (qos > 0 ? ", \(acknowledged.count) acknowledged by the broker" : ""))
        if qos > 0 && !allAcknowledged {
            throw ValidationError("\(sent - acknowledged.count) messages were not acknowledged within 30 s")
        }
    }
}

extension Duration {
    var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
