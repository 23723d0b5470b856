import GatewayConfig
import Testing

@Suite("Problems, errors and the source map")
struct ProblemReportingTests {
    @Test("a problem reads FILE:LINE:COLUMN: KEYPATH: MESSAGE")
    func problemDescription() {
        let problem = ConfigurationProblem(file: "gw.yaml", line: 12, column: 5, keyPath: "routes[1].qos", message: "bad")
        #expect(problem.description == "gw.yaml:12:5: routes[1].qos: bad")
        let whole = ConfigurationProblem(file: "gw.yaml", line: 0, column: 0, keyPath: "", message: "cannot read gw.yaml")
        #expect(whole.description == "gw.yaml:0:0: cannot read gw.yaml")
    }

    @Test("an error sorts its problems by line and lists them all")
    func errorSortsProblems() {
        let error = ConfigurationError(problems: [
            ConfigurationProblem(file: "f", line: 9, column: 1, keyPath: "b", message: "second"),
            ConfigurationProblem(file: "f", line: 2, column: 7, keyPath: "a", message: "first"),
            ConfigurationProblem(file: "f", line: 9, column: 1, keyPath: "c", message: "third"),
        ])
        #expect(error.problems.map(\.message) == ["first", "second", "third"])
        #expect(error.description == """
            invalid configuration (3 problems):
            f:2:7: a: first
            f:9:1: b: second
            f:9:1: c: third
            """)
    }

    @Test("the source map locates absent key paths at their closest ancestor")
    func sourceMapFallsBackToAncestors() {
        let map = ConfigSourceMap(file: "gw.yaml", locations: [
            "": .init(line: 1, column: 1),
            "routes": .init(line: 7, column: 1),
            "routes[1]": .init(line: 15, column: 5),
        ])
        #expect(map.nearestLocation(of: "routes[1].metrics[0].unit") == .init(line: 15, column: 5))
        #expect(map.nearestLocation(of: "routes[3]") == .init(line: 7, column: 1))
        #expect(map.nearestLocation(of: "broker.url") == .init(line: 1, column: 1))
        #expect(ConfigSourceMap(file: "x").nearestLocation(of: "a.b") == .wholeFile)
        #expect(map.problem(at: "routes[1].options.delimiter", "must be one character").description
            == "gw.yaml:15:5: routes[1].options.delimiter: must be one character")
    }
}
