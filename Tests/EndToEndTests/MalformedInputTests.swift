import Foundation
import GatewayCore
import GatewayMQTT
import GatewayStore
import GatewayTestSupport
import Testing

/// Bad input gets quarantined with its reason, and costs nothing else: the daemon stays up and
/// the good messages around the bad ones are stored.
@Suite(.serialized) struct MalformedInputTests {
    @Test func malformedPayloadsAreQuarantinedAndTheGoodOnesAroundThemStored() throws {
        let harness = try GatewayHarness()
        try harness.startDaemon()
        var options = MQTTPublisherOptions(url: BrokerURL(parsing: harness.broker.url)!, clientID: "malformed-feed")
        options.maxInFlight = 20
        let publisher = try MQTTPublisher(options: options)
        let now = SystemWallClock().now()
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        let huge = "{\"ts\":\(now),\"v\":1,\"pad\":\"" + String(repeating: "x", count: 1 << 20) + "\"}"
        let invalidUTF8: [UInt8] = Array(#"{"ts":\#(now),"v":"#.utf8) + [0x22, 0xC3, 0x28, 0x22, 0x7D]
        let bad: [(String, [UInt8])] = [
            ("not json", Array("pressure=1,flow=2".utf8)),
            ("wrong type", Array(#"{"ts":\#(now),"v":"high"}"#.utf8)),
            ("missing field", Array(#"{"ts":\#(now)}"#.utf8)),
            ("missing timestamp", Array(#"{"v":4}"#.utf8)),
            ("1 MiB", Array(huge.utf8)),
            ("10,000 deep", Array(deep.utf8)),
            ("invalid UTF-8", invalidUTF8),
            ("empty", []),
            ("a year old", Array(#"{"ts":\#(now - 365 * 86_400_000),"v":5}"#.utf8)),
            ("an hour ahead", Array(#"{"ts":\#(now + 3_600_000),"v":6}"#.utf8)),
        ]
        var good = 0
        let base = SystemWallClock().now() - 60_000
        func publishGood() throws {
            try publisher.publish(topic: "t/good", payload: Array(#"{"ts":\#(base + EpochMillis(good)),"v":\#(good)}"#.utf8), qos: 1)
            good += 1
        }
        try publishGood()
        for (_, payload) in bad {
            try publisher.publish(topic: "t/bad", payload: payload, qos: 1)
            try publishGood()
        }
        try publisher.publish(topic: "nowhere/else", payload: Array("{}".utf8), qos: 1)
        #expect(publisher.waitForAcknowledgements(timeoutSeconds: 60))
        publisher.disconnect()

        let quarantined = eventually(timeoutSeconds: 60) {
            ((try? harness.reader().counts().quarantined) ?? 0) >= bad.count && harness.storedCount() >= good
        }
        #expect(quarantined, "\(harness.logs())")
        #expect(harness.daemon?.isRunning == true, "the daemon died on input:\n\(harness.logs())")
        #expect(Set(try harness.storedValues()) == Set(0..<good))
        let records = try harness.reader().quarantine(QuarantineFilter(limit: 100))
        let reasons = Dictionary(grouping: records, by: \.record.reason).mapValues(\.count)
        #expect(reasons[.malformed] == 2, "not JSON, empty: \(reasons)")
        #expect(reasons[.limitExceeded] == 1, "10,000-deep nesting")
        #expect(reasons[.invalidEncoding] == 1)
        #expect(reasons[.wrongType] == 1)
        #expect(reasons[.missingField] == 2)
        #expect(reasons[.payloadTooLarge] == 1)
        #expect(reasons[.staleTimestamp] == 1)
        #expect(reasons[.futureTimestamp] == 1)
        #expect(reasons[.noRoute] == nil, "the daemon only subscribes to its routes' filters")
        #expect(records.allSatisfy { !$0.record.message.isEmpty })
        let large = try #require(records.first { $0.record.reason == .payloadTooLarge })
        #expect(large.record.payloadSize == huge.utf8.count)
        #expect(large.record.payload.count == 4 * 1024)
        #expect(harness.stopDaemon() == 0)
    }
}

/// `utility-gatewayd --config FILE --check`, as an operator and `ExecStartPre=` run it.
@Suite struct ConfigCheckTests {
    func runCheck(_ yaml: String) throws -> (status: Int32?, output: String) {
        let directory = try TemporaryDirectory(prefix: "check")
        let path = directory.file("gateway.yaml").path
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        let process = try ChildProcess(
            executable: try BuiltProducts.executable(named: "utility-gatewayd"),
            arguments: ["--config", path, "--check"], stderrURL: directory.file("out.log"))
        let status = process.waitForExit(timeoutSeconds: 60)
        return (status, process.stderrText().replacingOccurrences(of: path, with: "gateway.yaml"))
    }

    @Test func theShippedConfigurationIsValid() throws {
        let shipped = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("config/gateway.yaml")
        let directory = try TemporaryDirectory(prefix: "check")
        let process = try ChildProcess(
            executable: try BuiltProducts.executable(named: "utility-gatewayd"),
            arguments: ["--config", shipped.path, "--check"], stderrURL: directory.file("out.log"))
        #expect(process.waitForExit(timeoutSeconds: 60) == 0, "\(process.stderrText())")
        #expect(process.stderrText().contains("configuration is valid (3 routes)"))
    }

    @Test func aBadConfigurationIsRefusedWithEveryProblemAndItsLine() throws {
        let (status, output) = try runCheck("""
            gateway:
              id: Site 01
            broker:
              url: http://127.0.0.1:1883
              keepalive: soon
            routes:
              - topic: "t/+"
                qos: 2
                utility: water
                site: lab
                device: "{topic.1}"
                metrics:
                  - { name: pressure, path: p, unit: V }
                  - { name: flow, path: "a[*].f", unit: m3/h }
            """)
        #expect(status == 1)
        for expected in [
            "gateway.yaml:2:", "gateway.id",
            "gateway.yaml:4:", "broker.url",
            "gateway.yaml:5:", "broker.keepalive",
            "gateway.yaml:8:", "routes[0].qos",
            "gateway.yaml:13:", "routes[0].metrics[0].unit",
        ] {
            #expect(output.contains(expected), "missing \(expected) in:\n\(output)")
        }
    }

    @Test func adapterLevelProblemsAlsoPointAtTheirLine() throws {
        let (status, output) = try runCheck("""
            gateway:
              id: site-01
            broker:
              url: mqtt://127.0.0.1:1883
            routes:
              - topic: "t/+"
                utility: water
                site: lab
                device: "{topic.1}"
                metrics:
                  - { name: flow, path: "a[*].f", unit: m3/h }
            """)
        #expect(status == 1)
        #expect(output.contains("gateway.yaml:11:"), "\(output)")
        #expect(output.contains("routes[0].metrics[0].path"), "\(output)")
        #expect(output.contains("wildcards"), "\(output)")
    }

    @Test func aWeakAPITokenIsRefusedByCheckWithItsLine() throws {
        let directory = try TemporaryDirectory(prefix: "check-tokens")
        let tokens = directory.file("api-tokens")
        try "# operators\nalice short-token\n".write(to: tokens, atomically: true, encoding: .utf8)
        let (status, output) = try runCheck("""
            gateway:
              id: site-01
            broker:
              url: mqtt://127.0.0.1:1883
            api:
              token_file: \(tokens.path)
            routes:
              - { topic: "t/+", utility: water, site: lab, device: "{topic.1}", metrics: [{ name: flow, path: f, unit: m3/h }] }
            """)
        #expect(status == 1)
        #expect(output.contains("gateway.yaml:6:"), "\(output)")
        #expect(output.contains("api.token_file: \(tokens.path):2: the token of 'alice' must be at least 32 characters"), "\(output)")
        #expect(!output.contains("short-token"), "tokens are never echoed")
    }

    @Test func aMissingFileIsNamed() throws {
        let directory = try TemporaryDirectory(prefix: "check")
        let process = try ChildProcess(
            executable: try BuiltProducts.executable(named: "utility-gatewayd"),
            arguments: ["--config", "/nonexistent/gateway.yaml", "--check"], stderrURL: directory.file("out.log"))
        #expect(process.waitForExit(timeoutSeconds: 60) == 1)
        #expect(process.stderrText().contains("/nonexistent/gateway.yaml"))
    }

    @Test func aBadArgumentIsAUsageError() throws {
        let directory = try TemporaryDirectory(prefix: "check")
        let process = try ChildProcess(
            executable: try BuiltProducts.executable(named: "utility-gatewayd"),
            arguments: ["--konfig", "x"], stderrURL: directory.file("out.log"))
        #expect(process.waitForExit(timeoutSeconds: 60) == 64)
        #expect(process.stderrText().contains("Usage:"))
    }
}
