import Foundation
import GatewayConfig
import GatewayCore
import Testing

@Suite("Uplink and buffer")
struct UplinkSectionTests {
    /// A valid configuration with `uplink:` on line 7; `lines` start on line 8.
    func config(uplink lines: String, extra: String = "") -> String {
        """
        gateway:
          id: site-01
        broker:
          url: mqtt://127.0.0.1:1883
        routes:
          - { topic: a/b, utility: water, site: s, device: d, metrics: [{ name: flow, path: f, unit: L/s }] }
        uplink:
        \(lines)
        \(extra)
        """
    }

    @Test("the issue's example loads with every value, and the defaults fill the rest")
    func fullExample() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("uplink-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        for name in ["ca.pem", "cert.pem", "key.pem", "password"] {
            try "x\n".write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        let yaml = config(uplink: """
              url: mqtts://central.example.net:8883
              protocol: "5"
              client_id: site-01-uplink
              username: site-01
              password_file: \(directory.path)/password
              tls: { ca_file: \(directory.path)/ca.pem, cert_file: \(directory.path)/cert.pem, key_file: \(directory.path)/key.pem }
              topic_prefix: utilities/gateways/site-01
              batch: { max_readings: 500, max_bytes: 256KiB, max_delay: 1s }
              qos: 1
            """, extra: """
            buffer:
              max_bytes: 2GiB
              retention: 30d
              when_full: drop_oldest_readings
            """)
        let loaded = try #require(load(yaml))
        let uplink = try #require(loaded.configuration.uplink)
        #expect(uplink.url == BrokerURL(host: "central.example.net", port: 8883, usesTLS: true))
        #expect(uplink.protocolVersion == .v5 && uplink.clientID == "site-01-uplink" && uplink.username == "site-01")
        #expect(uplink.passwordFile == "\(directory.path)/password")
        #expect(uplink.tls == TLSFiles(caFile: "\(directory.path)/ca.pem", certFile: "\(directory.path)/cert.pem", keyFile: "\(directory.path)/key.pem"))
        #expect(uplink.readingsTopic == "utilities/gateways/site-01/readings")
        #expect(uplink.eventsTopic == "utilities/gateways/site-01/events")
        #expect(uplink.statusTopic == "utilities/gateways/site-01/status")
        #expect(uplink.batch == UplinkBatch(maxReadings: 500, maxBytes: 256 * 1024, maxDelaySeconds: 1))
        #expect(uplink.qos == 1)
        #expect(loaded.configuration.buffer == BufferSettings(maxBytes: 2 << 30, retentionSeconds: 30 * 86_400, whenFull: .dropOldestReadings))
    }

    @Test("minimal: the client id is the gateway's own plus -uplink, never the ingest client's")
    func defaults() throws {
        let loaded = try #require(load(config(uplink: "  url: mqtt://127.0.0.1:1884\n  topic_prefix: central/site-01")))
        let uplink = try #require(loaded.configuration.uplink)
        #expect(uplink.clientID == "utility-gateway-site-01-uplink")
        #expect(uplink.clientID != loaded.configuration.broker.clientID)
        #expect(uplink.batch == UplinkBatch() && uplink.qos == 1 && uplink.protocolVersion == .v5)
        #expect(loaded.configuration.buffer == BufferSettings())
        let without = try #require(load(config(uplink: "").replacingOccurrences(of: "uplink:\n", with: "")))
        #expect(without.configuration.uplink == nil)
    }

    @Test("url and topic_prefix are required, and both are named")
    func required() {
        let found = problems(in: config(uplink: "  qos: 1"))
        #expect(found.map(\.keyPath).sorted() == ["uplink.topic_prefix", "uplink.url"])
        #expect(found.contains { $0.message.contains("missing required key 'url' in 'uplink'") })
        #expect(found.contains { $0.message.contains("utilities/gateways/site-01") })
    }

    @Test("QoS 0 is refused: forwarded means acknowledged")
    func qosZero() {
        expectOnlyProblem(
            in: config(uplink: "  url: mqtt://c\n  topic_prefix: p\n  qos: 0"), at: "uplink.qos", line: 10,
            containing: ["expected the QoS 1 or 2; got 0", "never acknowledged"])
    }

    @Test("a topic prefix with a wildcard or a trailing slash is refused")
    func badPrefix() {
        expectOnlyProblem(
            in: config(uplink: "  url: mqtt://c\n  topic_prefix: a/+/b"), at: "uplink.topic_prefix", line: 9,
            containing: ["wildcards"])
        expectOnlyProblem(
            in: config(uplink: "  url: mqtt://c\n  topic_prefix: a/b/"), at: "uplink.topic_prefix", line: 9,
            containing: ["must not end with '/'"])
    }

    @Test("an inline password and a URL with credentials are refused without echoing them")
    func credentials() throws {
        let inline = try #require(expectOnlyProblem(
            in: config(uplink: "  url: mqtt://c\n  topic_prefix: p\n  username: u\n  password: hunter2"),
            at: "uplink.password", line: 11, containing: ["password_file"]))
        #expect(!inline.description.contains("hunter2"))
        let url = try #require(expectOnlyProblem(
            in: config(uplink: "  url: mqtt://u:hunter2@c\n  topic_prefix: p"), at: "uplink.url", line: 8,
            containing: ["must not contain a user name or password"]))
        #expect(!url.description.contains("hunter2"))
    }

    @Test("every batch problem is reported at once, each at its key")
    func batchProblems() {
        let found = problems(in: config(uplink: """
              url: mqtt://c
              topic_prefix: p
              batch: { max_readings: 0, max_bytes: 100B, max_delay: 1, max_size: 3 }
            """))
        #expect(found.map(\.keyPath).sorted() == [
            "uplink.batch.max_bytes", "uplink.batch.max_delay", "uplink.batch.max_readings", "uplink.batch.max_size",
        ])
        #expect(found.contains { $0.message.contains("from 1 to 100000; got 0") })
        #expect(found.contains { $0.message.contains("at least 1KiB") })
        #expect(found.contains { $0.message.contains("a duration needs a unit") })
        #expect(found.allSatisfy { $0.line == 10 })
    }

    @Test("buffer: sizes, durations and the eviction choice are checked")
    func bufferProblems() {
        let found = problems(in: config(uplink: "  url: mqtt://c\n  topic_prefix: p", extra: """
            buffer:
              max_bytes: 512KiB
              retention: 10m
              when_full: drop_newest
            """))
        #expect(found.map(\.keyPath).sorted() == ["buffer.max_bytes", "buffer.retention", "buffer.when_full"])
        #expect(found.contains { $0.message.contains("at least 1MiB") })
        #expect(found.contains { $0.message.contains("at least 1h") })
        #expect(found.contains { $0.message.contains("drop_oldest_readings") && $0.message.contains("pause_ingest") })
    }

    @Test("pause_ingest is accepted")
    func pauseIngest() {
        let loaded = load(config(uplink: "  url: mqtt://c\n  topic_prefix: p", extra: "buffer:\n  when_full: pause_ingest"))
        #expect(loaded?.configuration.buffer.whenFull == .pauseIngest)
    }
}

@Suite("Uplink: cross-checks")
struct UplinkCrossCheckTests {
    @Test("the uplink may not share the ingest client's id on the same broker")
    func sharedClientID() {
        let yaml = """
            gateway:
              id: site-01
            broker:
              url: mqtt://127.0.0.1:1883
              client_id: same
            routes:
              - { topic: a/b, utility: water, site: s, device: d, metrics: [{ name: flow, path: f, unit: L/s }] }
            uplink:
              url: mqtt://127.0.0.1:1883
              client_id: same
              topic_prefix: p
            """
        expectOnlyProblem(in: yaml, at: "uplink.client_id", line: 10, containing: ["give the uplink a client id of its own"])
        #expect(problems(in: yaml.replacingOccurrences(of: "url: mqtt://127.0.0.1:1883\n  client_id: same\n  topic", with: "url: mqtt://127.0.0.1:1884\n  client_id: same\n  topic")).isEmpty)
    }
}
