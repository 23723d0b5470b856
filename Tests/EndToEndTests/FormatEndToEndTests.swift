import Foundation
import GatewayCore
import GatewayMQTT
import GatewayStore
import GatewayTestSupport
import Testing

/// Every payload format end to end: a real broker, the real daemon with a route of that format,
/// one published message, and the readings it must become in the database.
@Suite(.serialized) struct FormatEndToEndTests {
    /// One format's case: its route (under `routes:`), a payload, and the (metric, value) pairs
    /// the stored readings must have, in canonical units.
    struct Case: Sendable, CustomTestStringConvertible {
        let format: String
        let route: String
        let payload: @Sendable (EpochMillis) -> String
        let expected: [String: Double]
        var testDescription: String { format }
    }

    static let cases: [Case] = [
        Case(
            format: "json",
            route: """
                format: json
                timestamp: { path: ts, format: epoch_ms }
                metrics:
                  - { name: pressure, path: values.p, unit: bar }
                  - { name: flow, path: values.q, unit: L/s }
                """,
            payload: { #"{"ts":\#($0),"values":{"p":4.2,"q":10}}"# },
            expected: ["pressure": 420, "flow": 36]),
        Case(
            format: "auto",
            route: """
                format: auto
                timestamp: { path: ts, format: epoch_ms }
                metrics:
                  - { name: pressure, path: p, unit: kPa }
                """,
            payload: { #"{"ts":\#($0),"p":415.5}"# },
            expected: ["pressure": 415.5]),
    ]

    @Test(arguments: cases)
    func formatEndToEnd(_ testCase: Case) throws {
        let indented = testCase.route.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n")
        let routes = """
            routes:
              - id: \(testCase.format)
                topic: "fmt/+/+"
                utility: water
                site: "{topic.1}"
                device: "{topic.2}"
            \(indented)
            """
        let harness = try GatewayHarness(routes: routes)
        try harness.startDaemon()
        var options = MQTTPublisherOptions(url: BrokerURL(parsing: harness.broker.url)!, clientID: "fmt-\(testCase.format)")
        options.maxInFlight = 10
        let publisher = try MQTTPublisher(options: options)
        let now = SystemWallClock().now() - 1000
        try publisher.publish(topic: "fmt/lab/dev-1", payload: Array(testCase.payload(now).utf8), qos: 1)
        #expect(publisher.waitForAcknowledgements(timeoutSeconds: 60))
        publisher.disconnect()
        let stored = eventually(timeoutSeconds: 60) { harness.storedCount() >= testCase.expected.count }
        #expect(stored, "\(testCase.format): \(harness.logs())")
        let readings = try harness.reader().readings(ReadingFilter(limit: 100))
        #expect(Dictionary(uniqueKeysWithValues: readings.map { ($0.metric, $0.value) }).mapValues { ($0 * 1e6).rounded() / 1e6 }
                == testCase.expected, "\(testCase.format)")
        #expect(readings.allSatisfy { $0.device == "dev-1" && $0.site == "lab" })
        let quarantined = try harness.reader().quarantine(QuarantineFilter())
        #expect(quarantined.isEmpty, "\(testCase.format): \(quarantined.map(\.record.message))")
        #expect(harness.stopDaemon() == 0)
    }
}
