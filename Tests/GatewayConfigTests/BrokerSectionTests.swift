import GatewayConfig
import Testing

@Suite("Broker: problems")
struct BrokerSectionTests {
    /// A valid configuration around the `broker:` lines given (which start on line 3).
    func config(broker lines: String) -> String {
        """
        gateway:
          id: site-01
        broker:
        \(lines)
        routes:
          - { topic: a/b, utility: water, site: s, device: d, metrics: [{ name: flow, path: f, unit: L/s }] }
        """
    }

    @Test("a URL that is not mqtt:// or mqtts://")
    func badURL() {
        expectOnlyProblem(in: config(broker: "  url: http://broker:1883"), at: "broker.url", line: 4, column: 8, containing: [
            "expected a broker URL such as mqtt://127.0.0.1:1883 or mqtts://broker.example:8883; got 'http://broker:1883'",
        ])
        expectOnlyProblem(in: config(broker: "  url: mqtt://broker:99999"), at: "broker.url", line: 4,
                          containing: ["got 'mqtt://broker:99999'"])
    }

    @Test("a URL with credentials is refused without repeating them")
    func urlWithCredentials() throws {
        let problem = try #require(expectOnlyProblem(
            in: config(broker: "  url: mqtt://gateway:hunter2@broker"), at: "broker.url", line: 4,
            containing: ["must not contain a user name or password", "password_file"]
        ))
        #expect(!problem.description.contains("hunter2"))
    }

    @Test("the URL is required")
    func missingURL() {
        expectOnlyProblem(in: config(broker: "  username: gateway"), at: "broker.url", line: 3, column: 1,
                          containing: ["missing required key 'url' in 'broker'", "mqtt://127.0.0.1:1883"])
    }

    @Test("the protocol is \"5\" or \"3.1.1\"")
    func badProtocol() {
        expectOnlyProblem(in: config(broker: "  url: mqtt://localhost\n  protocol: 4"), at: "broker.protocol", line: 5,
                          containing: ["expected the MQTT protocol version \"5\" or \"3.1.1\"; got '4'"])
        expectOnlyProblem(in: config(broker: "  url: mqtt://localhost\n  protocol: 3.1"), at: "broker.protocol", line: 5,
                          containing: ["got '3.1'"])
    }

    @Test("an inline password is refused with a pointer to password_file, never echoing it")
    func inlinePassword() throws {
        let yaml = config(broker: "  url: mqtt://localhost\n  username: gateway\n  password: hunter2")
        let problem = try #require(expectOnlyProblem(in: yaml, at: "broker.password", line: 6, column: 3, containing: [
            "an inline 'password' is not accepted", "password_file",
        ]))
        #expect(!problem.description.contains("hunter2"))
    }

    @Test("an unreadable password file is reported at load time")
    func unreadablePasswordFile() throws {
        let scratch = try Scratch()
        let yaml = config(broker: "  url: mqtt://localhost\n  username: gateway\n  password_file: missing-password")
        let missing = scratch.path("missing-password")
        expectOnlyProblem(in: yaml, file: scratch.path("gateway.yaml"), at: "broker.password_file", line: 6, containing: [
            "cannot read \(missing): No such file or directory",
        ])
        // A directory is not a password file either.
        let directory = config(broker: "  url: mqtt://localhost\n  username: gateway\n  password_file: \(scratch.directory)")
        expectOnlyProblem(in: directory, at: "broker.password_file", line: 6,
                          containing: ["cannot read \(scratch.directory): Is a directory"])
    }

    @Test("password_file needs username")
    func passwordFileWithoutUsername() throws {
        let scratch = try Scratch()
        let password = try scratch.write("password", "s3cret\n")
        expectOnlyProblem(in: config(broker: "  url: mqtt://localhost\n  password_file: \(password)"),
                          at: "broker.password_file", line: 5,
                          containing: ["'password_file' needs 'username'"])
    }

    @Test("tls is only for mqtts://")
    func tlsWithPlainMQTT() throws {
        let scratch = try Scratch()
        let ca = try scratch.write("ca.pem", "ca")
        expectOnlyProblem(in: config(broker: "  url: mqtt://broker:1883\n  tls:\n    ca_file: \(ca)"), at: "broker.tls", line: 5,
                          containing: ["'tls' is only used with an mqtts:// broker URL; the URL is mqtt://broker:1883"])
    }

    @Test("tls needs ca_file")
    func tlsWithoutCAFile() throws {
        let scratch = try Scratch()
        let cert = try scratch.write("client.pem", "cert")
        let key = try scratch.write("client.key", "key")
        let yaml = config(broker: "  url: mqtts://broker\n  tls:\n    cert_file: \(cert)\n    key_file: \(key)")
        expectOnlyProblem(in: yaml, at: "broker.tls.ca_file", line: 5,
                          containing: ["missing required key 'ca_file' in 'broker.tls'"])
    }

    @Test("cert_file and key_file go together; missing TLS files are reported")
    func certWithoutKey() throws {
        let scratch = try Scratch()
        let ca = try scratch.write("ca.pem", "ca")
        let cert = try scratch.write("client.pem", "cert")
        expectOnlyProblem(in: config(broker: "  url: mqtts://broker\n  tls: { ca_file: \(ca), cert_file: \(cert) }"),
                          at: "broker.tls.cert_file", line: 5, containing: ["'cert_file' needs 'key_file'"])

        let keyOnly = config(broker: "  url: mqtts://broker\n  tls:\n    ca_file: \(ca)\n    key_file: \(scratch.path("nope.key"))")
        let found = problems(in: keyOnly)
        #expect(found.count == 2)
        expectProblem(found, at: "broker.tls.key_file", line: 7, containing: ["'key_file' needs 'cert_file'"])
        expectProblem(found, at: "broker.tls.key_file", line: 7,
                      containing: ["cannot read \(scratch.path("nope.key")): No such file or directory"])
    }

    @Test("session_expiry is MQTT 5 only")
    func sessionExpiryWithMQTT311() {
        let yaml = config(broker: "  url: mqtt://localhost\n  protocol: 3.1.1\n  session_expiry: 7d")
        expectOnlyProblem(in: yaml, at: "broker.session_expiry", line: 6,
                          containing: ["'session_expiry' is an MQTT 5 setting and the protocol is 3.1.1"])
    }

    @Test("session_expiry is for persistent sessions")
    func sessionExpiryWithCleanSession() {
        let yaml = config(broker: "  url: mqtt://localhost\n  session: clean\n  session_expiry: 7d")
        expectOnlyProblem(in: yaml, at: "broker.session_expiry", line: 6, containing: ["only applies to 'session: persistent'"])
    }

    @Test("bad durations say what a duration looks like; keepalive has bounds")
    func badDurations() {
        let yaml = config(broker: """
              url: mqtt://localhost
              keepalive: fast
              session_expiry: 90
              reconnect:
                initial: 10s
                max: 5s
            """)
        let found = problems(in: yaml)
        #expect(found.count == 3)
        expectProblem(found, at: "broker.keepalive", line: 5, containing: [
            "expected a duration such as 500ms, 30s, 5m, 2h, 1d or 1w; got 'fast'",
        ])
        expectProblem(found, at: "broker.session_expiry", line: 6, containing: ["got '90'", "a duration needs a unit, for example 90s"])
        expectProblem(found, at: "broker.reconnect.max", line: 9, containing: ["must be at least 'initial'; got '5s'"])

        expectOnlyProblem(in: config(broker: "  url: mqtt://localhost\n  keepalive: 2s"), at: "broker.keepalive", line: 5,
                          containing: ["must be between 5s and 65535s", "got '2s'"])
        expectOnlyProblem(in: config(broker: "  url: mqtt://localhost\n  keepalive: 1500ms"), at: "broker.keepalive", line: 5,
                          containing: ["must be between 5s and 65535s"])
        expectOnlyProblem(in: config(broker: "  url: mqtt://localhost\n  keepalive: 10.5s"), at: "broker.keepalive", line: 5,
                          containing: ["must be a whole number of seconds"])
        expectOnlyProblem(in: config(broker: "  url: mqtt://localhost\n  reconnect: { initial: 0s }"),
                          at: "broker.reconnect.initial", line: 5, containing: ["must be more than 0s"])
        expectOnlyProblem(in: config(broker: "  url: mqtt://localhost\n  reconnect: { initial: 2m }"),
                          at: "broker.reconnect.initial", line: 5, containing: ["must be at most the default max 60s"])
    }

    @Test("a value of the wrong shape says what it got")
    func wrongShapes() {
        let yaml = config(broker: "  url: [mqtt://a, mqtt://b]\n  session: { mode: clean }")
        let found = problems(in: yaml)
        #expect(found.count == 2)
        expectProblem(found, at: "broker.url", line: 4, containing: ["expected a broker URL", "got a list"])
        expectProblem(found, at: "broker.session", line: 5, containing: ["expected persistent or clean; got a mapping"])
    }
}
