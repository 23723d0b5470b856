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
            format: "xml",
            route: """
                format: xml
                timestamp: { path: "@ts", format: rfc3339 }
                metrics:
                  - { name: pressure, path: "m:pressure", unit: bar }
                xml:
                  namespaces: { m: "urn:example:meter" }
                """,
            payload: { #"<?xml version="1.0"?><m:reading xmlns:m="urn:example:meter" ts="\#(RFC3339.format($0))"><m:pressure>4.155</m:pressure></m:reading>"# },
            expected: ["pressure": 415.5]),
        Case(
            format: "csv",
            route: """
                format: csv
                timestamp: { path: time, format: rfc3339 }
                metrics:
                  - { name: pressure, path: p_kpa, unit: kPa }
                  - { name: flow, path: q, unit: m3/h }
                csv:
                  comment: "#"
                """,
            payload: { "# exported by logger 7\ntime,p_kpa,q\n\(RFC3339.format($0)),415.5,\"12.5\"\n" },
            expected: ["pressure": 415.5, "flow": 12.5]),
        Case(
            format: "senml",
            route: """
                format: senml
                metrics:
                  - { name: pressure, path: p }
                  - { name: temperature, path: t }
                """,
            payload: { #"[{"bn":"urn:dev:dev-1:","bt":\#(Double($0) / 1000),"n":"p","u":"kPa","v":415.5},{"n":"t","u":"Cel","v":11.25}]"# },
            expected: ["pressure": 415.5, "temperature": 11.25]),
        Case(
            format: "influx",
            route: """
                format: influx
                metrics:
                  - { name: pressure, path: pressure, unit: kPa }
                  - { name: flow, path: flow, unit: L/s }
                """,
            payload: { "water,station=lab pressure=415.5,flow=10i \($0 * 1_000_000)\n" },
            expected: ["pressure": 415.5, "flow": 36]),
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
