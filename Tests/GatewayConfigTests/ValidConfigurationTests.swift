import Foundation
import GatewayConfig
import GatewayCore
import Testing

@Suite("Valid configurations")
struct ValidConfigurationTests {
    @Test("a complete configuration loads with every value")
    func completeConfiguration() throws {
        let scratch = try Scratch()
        let dir = scratch.directory
        try scratch.write("secrets/broker-password", "s3cret\n")
        try scratch.write("ca.pem", "ca")
        try scratch.write("client.pem", "cert")
        try scratch.write("client.key", "key")
        let yaml = """
            gateway:
              id: site-01
              status_topic: plant/site-01/status
              state_dir: state
              log_level: debug
            broker:
              url: mqtts://broker.example:8884
              protocol: "5"
              client_id: gw-site-01
              username: gateway
              password_file: secrets/broker-password
              tls: { ca_file: \(dir)/ca.pem, cert_file: \(dir)/client.pem, key_file: \(dir)/client.key }
              keepalive: 45s
              session: persistent
              session_expiry: 2d
              reconnect: { initial: 500ms, max: 2m }
            storage:
              synchronous: full
              sync_interval: 250ms
            ingest:
              max_payload_bytes: 512KiB
              quarantine_payload_bytes: 16KiB
            routes:
              - id: water-telemetry
                topic: "$share/gateways/utilities/water/+/+/telemetry"
                qos: 1
                format: json
                utility: water
                site: "{topic.2}"
                device: "{topic.3}"
                timestamp: { path: ts, format: epoch_s }
                metrics:
                  - { name: pressure, path: pressure, unit: bar }
                  - { name: flow, path: flow, unit: L/s }
              - topic: "utilities/+/#"
                qos: 0
                utility: "{topic.1}"
                site: "site-{payload.site}"
                device: "{payload.meta.device}"
                metrics:
                  - name: battery_voltage
                    path: battery.v
                    unit: mV
            """
        let loaded = try #require(load(yaml, file: dir + "/gateway.yaml"))
        let config = loaded.configuration

        #expect(config.gateway == GatewaySettings(
            id: "site-01", statusTopic: "plant/site-01/status", stateDirectory: dir + "/state", logLevel: .debug
        ))
        #expect(config.gateway.databasePath == dir + "/state/gateway.sqlite")

        #expect(config.broker == BrokerSettings(
            url: BrokerURL(host: "broker.example", port: 8884, usesTLS: true), protocolVersion: .v5,
            clientID: "gw-site-01", username: "gateway", passwordFile: dir + "/secrets/broker-password",
            tls: TLSFiles(caFile: dir + "/ca.pem", certFile: dir + "/client.pem", keyFile: dir + "/client.key"),
            keepaliveSeconds: 45, session: .persistent, sessionExpirySeconds: 172_800,
            reconnect: ReconnectBackoff(initialSeconds: 0.5, maxSeconds: 120)
        ))
        #expect(config.storage == StorageSettings(synchronous: .full, syncIntervalSeconds: 0.25))
        #expect(config.ingest == IngestSettings(maxPayloadBytes: 512 * 1024, quarantinePayloadBytes: 16 * 1024))

        #expect(config.routes.count == 2)
        #expect(config.routes[0] == RouteConfiguration(
            id: "water-telemetry", topic: "$share/gateways/utilities/water/+/+/telemetry", qos: 1, format: "json",
            utility: .literal("water"),
            site: FieldTemplate(parts: [.topicLevel(2)], source: "{topic.2}"),
            device: FieldTemplate(parts: [.topicLevel(3)], source: "{topic.3}"),
            timestamp: TimestampMapping(path: "ts", format: .epochSeconds),
            metrics: [
                MetricMapping(name: "pressure", path: "pressure", unit: "bar"),
                MetricMapping(name: "flow", path: "flow", unit: "L/s"),
            ]
        ))
        #expect(config.routes[0].matchFilter == "utilities/water/+/+/telemetry")
        #expect(config.routes[1] == RouteConfiguration(
            id: "route-2", topic: "utilities/+/#", qos: 0, format: "json",
            utility: FieldTemplate(parts: [.topicLevel(1)], source: "{topic.1}"),
            site: FieldTemplate(parts: [.literal("site-"), .payloadPath("site")], source: "site-{payload.site}"),
            device: FieldTemplate(parts: [.payloadPath("meta.device")], source: "{payload.meta.device}"),
            timestamp: nil,
            metrics: [MetricMapping(name: "battery_voltage", path: "battery.v", unit: "mV")]
        ))

        // The source map locates every key path, for checks made after loading.
        let map = loaded.sourceMap
        #expect(map.file == dir + "/gateway.yaml")
        #expect(map.location(of: "gateway") == .init(line: 1, column: 1))
        #expect(map.location(of: "gateway.id") == .init(line: 2, column: 7))
        #expect(map.location(of: "broker.tls") == .init(line: 12, column: 3))
        #expect(map.location(of: "broker.tls.key_file")?.line == 12)
        #expect(map.location(of: "routes[0]") == .init(line: 24, column: 5))
        #expect(map.location(of: "routes[0].metrics[1].unit")?.line == 34)
        #expect(map.location(of: "routes[1].metrics[0].unit") == .init(line: 43, column: 15))
        #expect(map.location(of: "routes[1].options") == nil)
        let later = map.problem(at: "routes[1].options.delimiter", "csv options need format: csv")
        #expect(later == ConfigurationProblem(
            file: dir + "/gateway.yaml", line: 35, column: 5, keyPath: "routes[1].options.delimiter",
            message: "csv options need format: csv"
        ))
    }

    @Test("a minimal configuration gets every default")
    func minimalConfiguration() throws {
        let yaml = """
            gateway:
              id: site-01
            broker:
              url: mqtt://127.0.0.1
            routes:
              - topic: utilities/water/+/+/telemetry
                utility: water
                site: "{topic.2}"
                device: "{topic.3}"
                metrics:
                  - { name: pressure, path: pressure, unit: kPa }
            """
        let config = try #require(load(yaml)).configuration
        #expect(config.gateway.statusTopic == "utility-gateway/site-01/status")
        #expect(config.gateway.stateDirectory == "/var/lib/utility-gateway")
        #expect(config.gateway.logLevel == .info)
        #expect(config.broker.url == BrokerURL(host: "127.0.0.1", port: 1883, usesTLS: false))
        #expect(config.broker.protocolVersion == .v5)
        #expect(config.broker.clientID == "utility-gateway-site-01")
        #expect(config.broker.username == nil)
        #expect(config.broker.passwordFile == nil)
        #expect(config.broker.tls == nil)
        #expect(config.broker.keepaliveSeconds == 30)
        #expect(config.broker.session == .persistent)
        #expect(config.broker.sessionExpirySeconds == 86_400)
        #expect(config.broker.reconnect == ReconnectBackoff(initialSeconds: 1, maxSeconds: 60))
        #expect(config.storage.synchronous == .normal)
        #expect(config.storage.syncIntervalSeconds == 1)
        #expect(config.ingest == IngestSettings(maxPayloadBytes: 262_144, quarantinePayloadBytes: 4_096))
        let route = try #require(config.routes.first)
        #expect(route.id == "route-1")
        #expect(route.qos == 1)
        #expect(route.format == "json")
        #expect(route.utility == .literal("water"))
        #expect(route.timestamp == nil)
        #expect(route.metrics == [MetricMapping(name: "pressure", path: "pressure", unit: "kPa")])
    }

    @Test("protocol accepts \"5\", 5 and 3.1.1; a timestamp defaults to epoch_ms; empty sections mean defaults")
    func protocolSpellingsAndDefaults() throws {
        for (written, version) in [("\"5\"", MQTTProtocolVersion.v5), ("5", .v5), ("3.1.1", .v311), ("\"3.1.1\"", .v311)] {
            let yaml = """
                version: 1
                gateway: { id: gw }
                broker:
                  url: mqtt://localhost
                  protocol: \(written)
                  session: clean
                storage:
                ingest:
                  max_payload_bytes: 16KiB
                routes:
                  - topic: a/b
                    utility: gas
                    site: north
                    device: "{topic.1}"
                    timestamp: { path: meta.time }
                    metrics: [{ name: co, path: co, unit: ppm }]
                """
            let config = try #require(load(yaml)).configuration
            #expect(config.broker.protocolVersion == version)
            #expect(config.broker.session == .clean)
            #expect(config.routes[0].timestamp == TimestampMapping(path: "meta.time", format: .epochMillis))
            #expect(config.routes[0].site == .literal("north"))
            #expect(config.storage == StorageSettings())
            // The default 64KiB kept of a quarantined payload shrinks to the smaller limit.
            #expect(config.ingest == IngestSettings(maxPayloadBytes: 16_384, quarantinePayloadBytes: 4_096))
        }
    }

    @Test("relative paths are taken from the configuration file's directory")
    func relativePaths() throws {
        let yaml = """
            gateway: { id: demo, state_dir: ./var/ }
            broker: { url: "mqtt://[::1]:1884" }
            routes:
              - { topic: "#", utility: power, site: demo, device: "{payload.id}", metrics: [{ name: energy, path: e, unit: Wh }] }
            """
        let relative = try #require(load(yaml, file: "config/gateway.yaml")).configuration
        let cwd = FileManager.default.currentDirectoryPath
        #expect(relative.gateway.stateDirectory == cwd + "/config/var/")
        #expect(relative.broker.url == BrokerURL(host: "::1", port: 1884, usesTLS: false))

        let absolute = try #require(load(yaml, file: "/srv/site/gateway.yaml")).configuration
        #expect(absolute.gateway.stateDirectory == "/srv/site/var/")
        #expect(absolute.gateway.databasePath == "/srv/site/var/gateway.sqlite")
    }

    @Test("load(path:) reads the file and names it in the source map")
    func loadFromFile() throws {
        let scratch = try Scratch()
        let path = try scratch.write("gateway.yaml", """
            gateway: { id: site-02, state_dir: data }
            broker: { url: "mqtt://broker:1883" }
            routes:
              - { topic: w/+, utility: water, site: s, device: "{topic.1}", metrics: [{ name: flow, path: f, unit: m3/h }] }

            """)
        let loaded = try ConfigurationLoader.load(path: path)
        #expect(loaded.configuration.gateway.id == "site-02")
        #expect(loaded.configuration.gateway.stateDirectory == scratch.directory + "/data")
        #expect(loaded.sourceMap.file == path)
        #expect(loaded.sourceMap.location(of: "routes[0].device")?.line == 4)
    }

    @Test("YAML anchors and aliases are followed")
    func anchorsAndAliases() throws {
        let yaml = """
            gateway: { id: site-01 }
            broker: { url: mqtt://localhost }
            routes:
              - topic: water/+/+
                utility: water
                site: &site "{topic.1}"
                device: "{topic.2}"
                metrics: &metrics
                  - { name: pressure, path: p, unit: kPa }
              - topic: gas/+/+
                utility: gas
                site: *site
                device: "{topic.2}"
                metrics: *metrics
            """
        let config = try #require(load(yaml)).configuration
        #expect(config.routes[1].site.source == "{topic.1}")
        #expect(config.routes[1].metrics == config.routes[0].metrics)
    }
}
