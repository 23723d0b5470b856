import GatewayConfig
import Testing

@Suite("Routes: problems")
struct RouteSectionTests {
    /// A valid configuration whose only route's lines are given (they start on line 6, the `- ` line).
    func config(route lines: String, protocol version: String = "\"5\"") -> String {
        """
        gateway: { id: site-01 }
        broker:
          url: mqtt://localhost
          protocol: \(version)
        routes:
        \(lines)
        """
    }

    @Test("routes must not be empty")
    func emptyRoutes() {
        let yaml = """
            gateway: { id: site-01 }
            broker: { url: mqtt://localhost }
            routes: []
            """
        expectOnlyProblem(in: yaml, at: "routes", line: 3, column: 1, containing: ["at least one route is required"])
        let missingList = """
            gateway: { id: site-01 }
            broker: { url: mqtt://localhost }
            routes:
            """
        expectOnlyProblem(in: missingList, at: "routes", line: 3, containing: ["at least one route is required"])
    }

    @Test("qos 2 is refused with the reason")
    func qos2() {
        let yaml = config(route: """
              - topic: a/+
                qos: 2
                utility: water
                site: s
                device: "{topic.1}"
                metrics: [{ name: flow, path: f, unit: L/s }]
            """)
        expectOnlyProblem(in: yaml, at: "routes[0].qos", line: 7, column: 10, containing: [
            "QoS 2 is not supported", "libmosquitto 2.0", "PUBREL", "qos: 1", "deduplicates",
        ])
        expectOnlyProblem(in: yaml.replacingOccurrences(of: "qos: 2", with: "qos: high"), at: "routes[0].qos", line: 7,
                          containing: ["expected a QoS of 0 or 1; got 'high'"])
        expectOnlyProblem(in: yaml.replacingOccurrences(of: "qos: 2", with: "qos: 3"), at: "routes[0].qos", line: 7,
                          containing: ["expected a QoS of 0 or 1; got 3"])
    }

    @Test("an unknown format lists the supported ones")
    func unknownFormat() {
        let yaml = config(route: """
              - topic: a/+
                format: xml
                utility: water
                site: s
                device: "{topic.1}"
                metrics: [{ name: flow, path: f, unit: L/s }]
            """)
        expectOnlyProblem(in: yaml, at: "routes[0].format", line: 7, containing: ["unknown format 'xml'; supported formats: json"])
    }

    @Test("an invalid topic filter")
    func invalidTopicFilter() {
        let yaml = config(route: """
              - topic: utilities/water/sensor+/telemetry
                utility: water
                site: s
                device: d
                metrics: [{ name: flow, path: f, unit: L/s }]
            """)
        expectOnlyProblem(in: yaml, at: "routes[0].topic", line: 6, column: 12, containing: [
            "invalid topic filter 'utilities/water/sensor+/telemetry': '+' must be a whole level",
        ])
        let hashInside = yaml.replacingOccurrences(of: "utilities/water/sensor+/telemetry", with: "utilities/#/telemetry")
        expectOnlyProblem(in: hashInside, at: "routes[0].topic", line: 6, containing: ["'#' must be a whole level and the last one"])
    }

    @Test("$share needs MQTT 5")
    func sharedSubscriptionWithMQTT311() {
        let yaml = config(route: """
              - topic: $share/gateways/a/+
                utility: water
                site: s
                device: "{topic.1}"
                metrics: [{ name: flow, path: f, unit: L/s }]
            """, protocol: "3.1.1")
        expectOnlyProblem(in: yaml, at: "routes[0].topic", line: 6,
                          containing: ["shared subscriptions ($share/<group>/<filter>) need MQTT 5", "3.1.1"])
    }

    @Test("{topic.N} must exist in the filter's topics")
    func topicLevelOutOfRange() {
        let yaml = config(route: """
              - topic: $share/g/utilities/water/+/+/telemetry
                utility: water
                site: "{topic.2}"
                device: "dev-{topic.5}"
                metrics: [{ name: flow, path: f, unit: L/s }]
            """)
        expectOnlyProblem(in: yaml, at: "routes[0].device", line: 9, containing: [
            "{topic.5} reads topic level 5, but topics matching this route's filter have 5 levels (numbered 0 to 4)",
        ])
        // With '#' any level may exist.
        #expect(problems(in: yaml.replacingOccurrences(of: "+/+/telemetry", with: "#")).isEmpty)
    }

    @Test("a utility without placeholders must be water, power or gas")
    func unknownUtility() {
        let yaml = config(route: """
              - topic: a/+
                utility: electricity
                site: s
                device: "{topic.1}"
                metrics: [{ name: flow, path: f, unit: L/s }]
            """)
        expectOnlyProblem(in: yaml, at: "routes[0].utility", line: 7, containing: [
            "unknown utility 'electricity'; expected water, power or gas, or a template such as {topic.1}",
        ])
        expectOnlyProblem(in: yaml.replacingOccurrences(of: "electricity", with: "watr"), at: "routes[0].utility", line: 7,
                          containing: ["did you mean 'water'?"])
    }

    @Test("bad template syntax")
    func badTemplateSyntax() {
        let yaml = config(route: """
              - topic: a/+
                utility: water
                site: "{topic.1"
                device: "{topic.x}"
                metrics: [{ name: flow, path: f, unit: L/s }]
            """)
        let found = problems(in: yaml)
        #expect(found.count == 2)
        expectProblem(found, at: "routes[0].site", line: 8, containing: ["invalid template: unclosed '{'"])
        expectProblem(found, at: "routes[0].device", line: 9, containing: [
            "invalid template: \"{topic.x}\" needs a topic level number from 0",
        ])
        expectOnlyProblem(in: yaml.replacingOccurrences(of: "\"{topic.1\"", with: "\"{site}\"")
            .replacingOccurrences(of: "{topic.x}", with: "{topic.1}"),
            at: "routes[0].site", line: 8, containing: ["\"{site}\" is not a placeholder; expected {topic.N} or {payload.PATH}"])
    }

    @Test("site, utility, device, topic and metrics are required")
    func missingRouteKeys() {
        let yaml = config(route: """
              - qos: 0
            """)
        let found = problems(in: yaml)
        #expect(found.count == 5)
        for key in ["topic", "utility", "site", "device", "metrics"] {
            expectProblem(found, at: "routes[0].\(key)", line: 6, containing: ["missing required key '\(key)' in 'routes[0]'"])
        }
    }

    @Test("route ids are unique, including default ids")
    func duplicateRouteIDs() {
        let yaml = config(route: """
              - id: water
                topic: a/+
                utility: water
                site: s
                device: "{topic.1}"
                metrics: [{ name: flow, path: f, unit: L/s }]
              - id: water
                topic: b/+
                utility: water
                site: s
                device: "{topic.1}"
                metrics: [{ name: flow, path: f, unit: L/s }]
            """)
        expectOnlyProblem(in: yaml, at: "routes[1].id", line: 12, containing: [
            "route id 'water' is already used by routes[0] (line 6); route ids must be unique",
        ])
        let defaultCollision = yaml.replacingOccurrences(of: "- id: water\n    topic: a/+", with: "- id: route-2\n    topic: a/+")
            .replacingOccurrences(of: "- id: water\n    topic: b/+", with: "- topic: b/+")
        expectOnlyProblem(in: defaultCollision, at: "routes[1]", line: 12, containing: [
            "this route's default id 'route-2' is already used by routes[0]", "give this route an 'id'",
        ])
        expectOnlyProblem(in: yaml.replacingOccurrences(of: "- id: water\n    topic: a/+", with: "- id: Water!\n    topic: a/+"),
                          at: "routes[0].id", line: 6, containing: ["expected a route id of lowercase letters, digits, '_' and '-'"])
    }

    @Test("a route that is not a mapping, and a bad timestamp")
    func wrongRouteShapes() {
        let yaml = config(route: """
              - just-a-topic
              - topic: a/+
                utility: water
                site: s
                device: "{topic.1}"
                timestamp: { format: epoch_us }
                metrics: [{ name: flow, path: f, unit: L/s }]
            """)
        let found = problems(in: yaml)
        #expect(found.count == 3)
        expectProblem(found, at: "routes[0]", line: 6, containing: ["expected a route: a mapping with topic", "got 'just-a-topic'"])
        expectProblem(found, at: "routes[1].timestamp.path", line: 11, containing: ["missing required key 'path' in 'routes[1].timestamp'"])
        expectProblem(found, at: "routes[1].timestamp.format", line: 11, containing: [
            "expected one of epoch_s, epoch_ms, rfc3339 or datetime; got 'epoch_us'", "did you mean 'epoch_s'?",
        ])
    }
}
