import GatewayConfig
import Testing

@Suite("Metrics: problems")
struct MetricSectionTests {
    /// A valid configuration whose only route's metric lines are given (they start on line 10).
    func config(metrics lines: String) -> String {
        """
        gateway: { id: site-01 }
        broker: { url: mqtt://localhost }
        routes:
          - id: water
            topic: utilities/water/+/+/telemetry
            utility: water
            site: "{topic.2}"
            device: "{topic.3}"
            metrics:
        \(lines)
        """
    }

    @Test("metrics must not be empty")
    func emptyMetrics() {
        expectOnlyProblem(in: config(metrics: "      []"), at: "routes[0].metrics", line: 9,
                          containing: ["at least one metric is required"])
    }

    @Test("metric names are unique within a route")
    func duplicateMetricNames() {
        let yaml = config(metrics: """
                  - { name: pressure, path: inlet.p, unit: kPa }
                  - { name: flow, path: q, unit: L/s }
                  - { name: pressure, path: outlet.p, unit: bar }
            """)
        expectOnlyProblem(in: yaml, at: "routes[0].metrics[2].name", line: 12, containing: [
            "metric 'pressure' is already mapped by routes[0].metrics[0] (line 10); each metric may appear once per route",
        ])
    }

    @Test("an unknown unit, with a case-sensitive suggestion")
    func unknownUnit() {
        expectOnlyProblem(in: config(metrics: "      - { name: pressure, path: p, unit: kpa }"),
                          at: "routes[0].metrics[0].unit", line: 10, column: 42,
                          containing: ["unknown unit 'kpa'; did you mean 'kPa'?"])
        expectOnlyProblem(in: config(metrics: "      - { name: pressure, path: p, unit: atm }"),
                          at: "routes[0].metrics[0].unit", line: 10,
                          containing: ["unknown unit 'atm'; pressure units are kPa, bar, MPa, psi"])
        // A unit one letter away is another scale, not a typo: no suggestion.
        expectOnlyProblem(in: config(metrics: "      - { name: co, path: c, unit: ppb }"),
                          at: "routes[0].metrics[0].unit", line: 10,
                          containing: ["unknown unit 'ppb'; co is measured in ppm"])
        expectOnlyProblem(in: config(metrics: "      - { name: flow, path: f, unit: l/min }"),
                          at: "routes[0].metrics[0].unit", line: 10,
                          containing: ["unknown unit 'l/min'; did you mean 'L/min'? (unit symbols are case-sensitive)"])
        expectOnlyProblem(in: config(metrics: "      - { name: rainfall, path: r, unit: furlongs }"),
                          at: "routes[0].metrics[0].unit", line: 10,
                          containing: ["unknown unit 'furlongs'; known units are", "kPa", "m3/h"])
    }

    @Test("a vocabulary metric must use a unit of its quantity")
    func unitQuantityMismatch() {
        expectOnlyProblem(in: config(metrics: "      - { name: pressure, path: p, unit: V }"),
                          at: "routes[0].metrics[0].unit", line: 10,
                          containing: ["pressure is measured in a pressure unit such as kPa, bar, MPa, psi; got V (voltage)"])
        expectOnlyProblem(in: config(metrics: "      - { name: active_power, path: p, unit: kWh }"),
                          at: "routes[0].metrics[0].unit", line: 10,
                          containing: ["active_power is measured in an active power unit such as kW, W, MW; got kWh (energy)"])
        // A metric outside the vocabulary may use any known unit.
        #expect(problems(in: config(metrics: "      - { name: pump_speed, path: s, unit: Hz }")).isEmpty)
    }

    @Test("metric names are lowercase letters, digits and '_'")
    func badMetricName() {
        expectOnlyProblem(in: config(metrics: "      - { name: Chlorine-Free, path: cl, unit: mg/L }"),
                          at: "routes[0].metrics[0].name", line: 10,
                          containing: ["expected a metric name of lowercase letters, digits and '_'", "got 'Chlorine-Free'"])
    }

    /// A unit may also come from the payload (unit_path) or the format (SenML): whether a metric
    /// without `unit` is valid is the adapter's check, tested with the adapters.
    @Test("name and path are required, a path is not empty, unit and unit_path exclude each other")
    func missingMetricKeys() {
        let yaml = config(metrics: """
                  - name: flow
                  - { name: volume, path: "", unit: m3 }
                  - { name: energy, path: e, unit: kWh, unit_path: u }
            """)
        let found = problems(in: yaml)
        #expect(found.count == 3)
        expectProblem(found, at: "routes[0].metrics[0].path", line: 10, containing: ["missing required key 'path' in 'routes[0].metrics[0]'"])
        expectProblem(found, at: "routes[0].metrics[2].unit_path", line: 12, containing: ["either unit", "not both"])
        expectProblem(found, at: "routes[0].metrics[1].path", line: 11, containing: ["got an empty text"])
    }
}

@Suite("timestamp time_zone") struct TimestampZoneConfigTests {
    func yaml(_ timestamp: String) -> String {
        """
        gateway: { id: site-01 }
        broker: { url: "mqtt://127.0.0.1:1883" }
        routes:
          - topic: "t/+"
            utility: water
            site: lab
            device: "{topic.1}"
            timestamp: \(timestamp)
            metrics:
              - { name: flow, path: f, unit: m3/h }
        """
    }

    func problems(_ text: String) -> [ConfigurationProblem] {
        do {
            _ = try ConfigurationLoader.load(yaml: text, file: "z.yaml")
            return []
        } catch {
            return error.problems
        }
    }

    @Test func datetimeNeedsAZoneAndOnlyItTakesOne() {
        #expect(problems(yaml("{ path: ts, format: datetime, time_zone: Asia/Shanghai }")).isEmpty)
        #expect(problems(yaml("{ path: ts, format: datetime }")).first?.message.contains("needs time_zone") == true)
        #expect(problems(yaml("{ path: ts, format: datetime, time_zone: Moon/Base }")).first?.message.contains("expected a time zone") == true)
        #expect(problems(yaml("{ path: ts, format: epoch_ms, time_zone: UTC }")).first?.message.contains("only for format: datetime") == true)
    }
}
