import GatewayConfig
import Testing

@Suite("Top level and gateway: problems")
struct GatewaySectionTests {
    @Test("an unknown top-level key is named, with a suggestion")
    func unknownTopLevelKey() {
        let yaml = """
            gateway:
              id: site-01
            broker:
              url: mqtt://127.0.0.1:1883
            storag:
              synchronous: full
            routes:
              - { topic: a/b, utility: water, site: s, device: d, metrics: [{ name: flow, path: f, unit: L/s }] }
            """
        expectOnlyProblem(in: yaml, at: "storag", line: 5, column: 1,
                          containing: ["unknown key 'storag' at the top level", "did you mean 'storage'?"])
    }

    @Test("an unknown nested key is named with its section, with a suggestion")
    func unknownNestedKey() {
        let yaml = """
            gateway:
              id: site-01
              loglevel: debug
            broker:
              url: mqtt://127.0.0.1:1883
              keepalve: 30s
            routes:
              - { topic: a/b, utility: water, site: s, device: d, metrics: [{ name: flow, path: f, unit: L/s }] }
            """
        let found = problems(in: yaml)
        #expect(found.count == 2)
        expectProblem(found, at: "gateway.loglevel", line: 3,
                      containing: ["unknown key 'loglevel' in 'gateway'", "did you mean 'log_level'?"])
        expectProblem(found, at: "broker.keepalve", line: 6,
                      containing: ["unknown key 'keepalve' in 'broker'", "did you mean 'keepalive'?"])
    }

    @Test("an unknown key without a close match lists the known keys")
    func unknownKeyWithoutSuggestion() {
        let yaml = """
            gateway: { id: site-01, colour: blue }
            broker: { url: mqtt://localhost }
            routes:
              - { topic: a/b, utility: water, site: s, device: d, metrics: [{ name: flow, path: f, unit: L/s }] }
            """
        expectOnlyProblem(in: yaml, at: "gateway.colour", line: 1, column: 25, containing: [
            "unknown key 'colour' in 'gateway'", "expected one of: id, status_topic, state_dir, log_level",
        ])
    }

    @Test("a section of the wrong type says what was expected")
    func sectionOfWrongType() {
        let yaml = """
            gateway: site-01
            broker:
              url: mqtt://localhost
            routes:
              - { topic: a/b, utility: water, site: s, device: d, metrics: [{ name: flow, path: f, unit: L/s }] }
            """
        expectOnlyProblem(in: yaml, at: "gateway", line: 1, column: 10,
                          containing: ["expected a mapping with the key id; got 'site-01'"])
    }

    @Test("a root that is not a mapping, and an empty file")
    func rootNotMappingAndEmptyFile() {
        expectOnlyProblem(in: "- gateway\n- broker\n", at: "", line: 1,
                          containing: ["expected a mapping with the sections gateway, broker and routes; got a list"])
        expectOnlyProblem(in: "# nothing yet\n", at: "", line: 1, containing: ["the configuration is empty"])
    }

    @Test("missing required sections and keys are each reported")
    func missingRequiredKeys() {
        let yaml = """
            gateway:
              log_level: info
            storage:
              synchronous: normal
            """
        let found = problems(in: yaml)
        #expect(found.count == 3)
        expectProblem(found, at: "gateway.id", line: 1, containing: ["missing required key 'id' in 'gateway'"])
        expectProblem(found, at: "broker", line: 1, containing: ["missing required key 'broker' at the top level"])
        expectProblem(found, at: "routes", line: 1, containing: ["missing required key 'routes' at the top level"])
    }

    @Test("the gateway id allows lowercase letters, digits and '-'")
    func badGatewayID() {
        let yaml = """
            gateway:
              id: Site_01
            broker: { url: mqtt://localhost }
            routes:
              - { topic: a/b, utility: water, site: s, device: d, metrics: [{ name: flow, path: f, unit: L/s }] }
            """
        expectOnlyProblem(in: yaml, at: "gateway.id", line: 2, column: 7, containing: [
            "expected an id of lowercase letters, digits and '-', such as site-01; got 'Site_01'",
        ])
    }

    @Test("the status topic cannot hold wildcards; the log level must be known")
    func badStatusTopicAndLogLevel() {
        let yaml = """
            gateway:
              id: site-01
              status_topic: sites/+/status
              log_level: warn
            broker: { url: mqtt://localhost }
            routes:
              - { topic: a/b, utility: water, site: s, device: d, metrics: [{ name: flow, path: f, unit: L/s }] }
            """
        let found = problems(in: yaml)
        #expect(found.count == 2)
        expectProblem(found, at: "gateway.status_topic", line: 3, containing: ["cannot contain the wildcards"])
        expectProblem(found, at: "gateway.log_level", line: 4, containing: [
            "expected one of trace, debug, info, notice, warning, error or critical; got 'warn'",
            "did you mean 'warning'?",
        ])
    }

    @Test("a null where a value is required says it got nothing")
    func nullValue() {
        let yaml = """
            gateway:
              id:
            broker: { url: mqtt://localhost }
            routes:
              - { topic: a/b, utility: water, site: s, device: d, metrics: [{ name: flow, path: f, unit: L/s }] }
            """
        expectOnlyProblem(in: yaml, at: "gateway.id", line: 2, column: 3, containing: ["got nothing"])
    }

    @Test("YAML merge keys are refused with an explanation")
    func mergeKey() {
        let yaml = """
            defaults: &defaults
              log_level: debug
            gateway:
              <<: *defaults
              id: site-01
            broker: { url: mqtt://localhost }
            routes:
              - { topic: a/b, utility: water, site: s, device: d, metrics: [{ name: flow, path: f, unit: L/s }] }
            """
        let found = problems(in: yaml)
        #expect(found.count == 2)
        expectProblem(found, at: "defaults", line: 1, containing: ["unknown key 'defaults' at the top level"])
        expectProblem(found, at: "gateway.<<", line: 4, containing: ["YAML merge keys ('<<') are not supported"])
    }

    @Test("a schema version other than 1 is refused")
    func schemaVersion() {
        let yaml = """
            version: 2
            gateway: { id: site-01 }
            broker: { url: mqtt://localhost }
            routes:
              - { topic: a/b, utility: water, site: s, device: d, metrics: [{ name: flow, path: f, unit: L/s }] }
            """
        expectOnlyProblem(in: yaml, at: "version", line: 1, containing: ["reads schema version 1; got 2"])
    }

    @Test("bad sizes are explained, and the quarantine size cannot exceed the payload limit")
    func badSizes() {
        let yaml = """
            gateway: { id: site-01 }
            broker: { url: mqtt://localhost }
            ingest:
              max_payload_bytes: big
              quarantine_payload_bytes: 4096
            routes:
              - { topic: a/b, utility: water, site: s, device: d, metrics: [{ name: flow, path: f, unit: L/s }] }
            """
        let found = problems(in: yaml)
        #expect(found.count == 2)
        expectProblem(found, at: "ingest.max_payload_bytes", line: 4, containing: [
            "expected a size such as 64KiB, 512MiB, 2GiB or 1000B; got 'big'",
        ])
        expectProblem(found, at: "ingest.quarantine_payload_bytes", line: 5, containing: [
            "got '4096'", "a size needs a unit, for example 4096B",
        ])

        let tooMuchKept = """
            gateway: { id: site-01 }
            broker: { url: mqtt://localhost }
            ingest:
              max_payload_bytes: 64KiB
              quarantine_payload_bytes: 1MiB
            routes:
              - { topic: a/b, utility: water, site: s, device: d, metrics: [{ name: flow, path: f, unit: L/s }] }
            """
        expectOnlyProblem(in: tooMuchKept, at: "ingest.quarantine_payload_bytes", line: 5, containing: [
            "must not exceed max_payload_bytes (65536 bytes); got '1MiB'",
        ])
    }

    @Test("storage.synchronous is normal or full")
    func badSynchronous() {
        let yaml = """
            gateway: { id: site-01 }
            broker: { url: mqtt://localhost }
            storage: { synchronous: off }
            routes:
              - { topic: a/b, utility: water, site: s, device: d, metrics: [{ name: flow, path: f, unit: L/s }] }
            """
        expectOnlyProblem(in: yaml, at: "storage.synchronous", line: 3, containing: ["expected normal or full; got 'off'"])
    }

    @Test("storage.sync_interval is a duration from 100ms to 1h")
    func badSyncInterval() {
        for (value, problem) in [
            ("10ms", "must be between 100ms and 1h; got '10ms'"), ("2h", "must be between 100ms and 1h; got '2h'"),
            ("1", "(a duration needs a unit, for example 1s)"),
        ] {
            let yaml = """
                gateway: { id: site-01 }
                broker: { url: mqtt://localhost }
                storage:
                  synchronous: normal
                  sync_interval: \(value)
                routes:
                  - { topic: a/b, utility: water, site: s, device: d, metrics: [{ name: flow, path: f, unit: L/s }] }
                """
            expectOnlyProblem(in: yaml, at: "storage.sync_interval", line: 5, containing: [problem])
        }
    }
}
