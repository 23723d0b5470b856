import GatewayConfig
import Testing

@Suite("Every problem is reported at once")
struct MultipleProblemsTests {
    @Test("problems in every section are all reported, sorted by line")
    func everyProblemReported() throws {
        let yaml = """
            gateway:
              id: Site-01
              log_level: loud
            broker:
              url: tcp://broker
              protocol: 3.1.1
              password: hunter2
              session_expiry: 1d
              keepalive: 1m
            ingest:
              max_payload_bytes: 2MiB
              quarantine_payload_bytes: lots
            routes:
              - topic: $share/g/utilities/water/+/+/telemetry
                qos: 2
                utility: water
                site: "{topic.2}"
                device: "{topic.9}"
                metrics:
                  - { name: pressure, path: p, unit: V }
                  - { name: pressure, path: p2, unit: kPa }
              - id: gas
                topic: utilities/gas/#
                format: csv
                utility: gaz
                site: north
                device: "{payload.id}"
                metrics:
                  - { name: Gas-Leak, path: leak, unit: "%LEL" }
                  - { name: co, path: co, unit: ppb }
            """
        let error: ConfigurationError
        do {
            _ = try ConfigurationLoader.load(yaml: yaml, file: configFile, options: .init(formats: ["json"]))
            Issue.record("expected problems")
            return
        } catch let thrown {
            error = thrown
        }
        let found = error.problems
        let expected: [(String, Int, String)] = [
            ("gateway.id", 2, "expected an id of lowercase letters"),
            ("gateway.log_level", 3, "got 'loud'"),
            ("broker.url", 5, "got 'tcp://broker'"),
            ("broker.password", 7, "an inline 'password' is not accepted"),
            ("broker.session_expiry", 8, "MQTT 5 setting"),
            ("ingest.quarantine_payload_bytes", 12, "got 'lots'"),
            ("routes[0].topic", 14, "need MQTT 5"),
            ("routes[0].qos", 15, "QoS 2 is not supported"),
            ("routes[0].device", 18, "{topic.9} reads topic level 9"),
            ("routes[0].metrics[0].unit", 20, "pressure is measured in a pressure unit"),
            ("routes[0].metrics[1].name", 21, "metric 'pressure' is already mapped"),
            ("routes[1].format", 24, "unknown format 'csv'"),
            ("routes[1].utility", 25, "unknown utility 'gaz'"),
            ("routes[1].metrics[0].name", 29, "got 'Gas-Leak'"),
            ("routes[1].metrics[1].unit", 30, "unknown unit 'ppb'"),
        ]
        #expect(found.count == expected.count, "\(error)")
        for (keyPath, line, fragment) in expected {
            expectProblem(found, at: keyPath, line: line, containing: [fragment])
        }
        #expect(found.map(\.line) == found.map(\.line).sorted())
        #expect(!error.description.contains("hunter2"))
        #expect(error.description.hasPrefix("invalid configuration (\(expected.count) problems):\n\(configFile):2:7: gateway.id: "))
    }
}
