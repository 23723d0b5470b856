import GatewayConfig
import Testing

@Suite("YAML syntax, duplicate keys and files")
struct YAMLSyntaxTests {
    @Test("a YAML syntax error has its line and column")
    func syntaxError() {
        let yaml = """
            gateway:
              id: site-01
            broker:
              url: mqtt://localhost
            routes: [ { topic: a/b, utility: water
            """
        let problem = expectOnlyProblem(in: yaml, at: "", line: 6, containing: ["YAML syntax error", "flow mapping"])
        #expect(problem?.description.hasPrefix("\(configFile):6:") == true)
    }

    @Test("bad indentation gets a hint")
    func badIndentation() {
        let yaml = """
            gateway:
              id: site-01
             broker: x
            """
        expectOnlyProblem(in: yaml, at: "", line: 3, column: 2, containing: [
            "YAML syntax error: did not find expected key (while parsing a block mapping at line 1, column 1)",
            "check the indentation",
        ])
    }

    @Test("an unquoted ': ' in a value gets a hint")
    func unquotedColon() {
        let yaml = """
            gateway:
              id: site-01
              status_topic: plant: north
            """
        expectOnlyProblem(in: yaml, at: "", line: 3, column: 22, containing: [
            "YAML syntax error: mapping values are not allowed in this context", "quote values that contain ': '",
        ])
    }

    @Test("a tab in the indentation gets a hint")
    func tabIndentation() {
        let yaml = "gateway:\n\tid: site-01\n"
        expectOnlyProblem(in: yaml, at: "", line: 2, containing: ["YAML syntax error", "spaces, not tabs"])
    }

    @Test("a duplicate key is reported at the repetition, and the rest of the file is still checked")
    func duplicateKey() {
        let yaml = """
            gateway:
              id: site-01
            broker:
              url: mqtt://localhost
              keepalive: 30s
              url: mqtt://other
            routes:
              - topic: a/+
                utility: water
                site: s
                device: "{topic.1}"
                metrics: [{ name: flow, path: f, unit: L/s }]
                qos: 2
                site: t
            """
        let found = problems(in: yaml)
        #expect(found.count == 3, "\(found)")
        expectProblem(found, at: "broker.url", line: 6, containing: [
            "key 'url' is written twice in this mapping (first at line 4)",
        ])
        expectProblem(found, at: "routes[0].qos", line: 13, containing: ["QoS 2 is not supported"])
        expectProblem(found, at: "routes[0].site", line: 14, containing: ["key 'site' is written twice", "first at line 10"])
    }

    @Test("a duplicate key in a flow mapping is still reported at its line")
    func duplicateKeyInFlowMapping() {
        let yaml = """
            gateway: { id: site-01, id: site-02 }
            broker: { url: mqtt://localhost }
            """
        expectOnlyProblem(in: yaml, at: "", line: 1, containing: ["key 'id' appears more than once"])
    }

    @Test("an undefined alias")
    func undefinedAlias() {
        let yaml = """
            gateway: { id: site-01 }
            broker: *broker
            """
        expectOnlyProblem(in: yaml, at: "", line: 2, column: 9, containing: ["YAML syntax error: found undefined alias"])
    }

    @Test("a missing file is a problem at line 0 with the OS error")
    func missingFile() {
        let path = "/nonexistent/utility-gateway/gateway.yaml"
        do {
            _ = try ConfigurationLoader.load(path: path)
            Issue.record("expected an error")
        } catch {
            #expect(error.problems == [ConfigurationProblem(
                file: path, line: 0, column: 0, keyPath: "",
                message: "cannot read \(path): No such file or directory"
            )])
            #expect(error.description.contains("\(path):0:0: cannot read \(path): No such file or directory"))
        }
    }

    @Test("a file that is not UTF-8")
    func notUTF8() throws {
        let scratch = try Scratch()
        let path = scratch.path("gateway.yaml")
        try [UInt8]([0x67, 0x3A, 0x20, 0xFF, 0xFE, 0x0A]).withUnsafeBytes { bytes in
            try Data(bytes).write(to: URL(fileURLWithPath: path))
        }
        do {
            _ = try ConfigurationLoader.load(path: path)
            Issue.record("expected an error")
        } catch {
            #expect(error.problems.map(\.message) == ["cannot read \(path): the file is not UTF-8 text"])
        }
    }
}

import Foundation
