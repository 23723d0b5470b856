import GatewayConfig
import GatewayCore
import Testing

@Suite("Rules: included files")
struct RulesIncludeTests {
    static let rule = """
        items:
          - id: ID
            match: { metric: pressure }
            condition: { below: { critical: 140 } }
        """

    func ruleFile(_ id: String, include: String = "") -> String {
        (include.isEmpty ? "" : "include: [\(include)]\n") + Self.rule.replacingOccurrences(of: "ID", with: id)
    }

    @Test("includes are relative to the including file and nest; included rules come first")
    func nestedIncludes() throws {
        let scratch = try Scratch()
        try scratch.write("rules/a.yaml", ruleFile("a", include: "more/b.yaml"))
        try scratch.write("rules/more/b.yaml", ruleFile("b"))
        try scratch.write("rules/c.yaml", "items: []\n")
        let yaml = minimalConfig("""
            rules:
              include: [rules/a.yaml, \(scratch.directory)/rules/c.yaml]
              items:
                - { id: main, match: { metric: flow }, condition: { no_data: {} } }
            """)
        let rules = try #require(load(yaml, file: scratch.path("gateway.yaml"))).configuration.rules.rules
        #expect(rules.map(\.id) == ["b", "a", "main"])
        #expect(rules[0].condition == .below(SeverityLevels(critical: 140)))
    }

    @Test("a relative configuration path gives relative file names in problems")
    func relativeNames() throws {
        let scratch = try Scratch()
        try scratch.write("rules/a.yaml", "items:\n  - { id: a, match: { metric: flow } }\n")
        let main = scratch.path("gateway.yaml")
        let found = problems(in: minimalConfig("rules: { include: [rules/a.yaml] }"), file: main)
        #expect(found.count == 1, "\(found)")
        #expect(found.first?.file == scratch.path("rules/a.yaml"))
        #expect(found.first?.line == 2)
        #expect(found.first?.keyPath == "items[0].condition")
        #expect(found.first?.message.hasPrefix("rule 'a': missing required key 'condition'") == true)
    }

    @Test("a problem inside an included file names that file, its line and its key path")
    func problemInIncludedFile() throws {
        let scratch = try Scratch()
        try scratch.write("rules/water.yaml", """
            # water rules
            items:
              - id: water.ok
                match: { metric: pressure }
                condition: { below: { critical: 140 } }
              - id: water.bad
                match: { metric: pressure }
                condition: { below: { warning: 100, critical: 140 } }
                deadband: -2
            """)
        let yaml = minimalConfig("""
            rules:
              include: [rules/water.yaml]
              items:
                - { id: main, match: { metric: flow }, condition: { above: {} } }
            """)
        let found = problems(in: yaml, file: scratch.path("gateway.yaml"))
        #expect(found.count == 3, "\(found)")
        let inFile = found.filter { $0.file == scratch.path("rules/water.yaml") }
        expectProblem(inFile, at: "items[1].condition.below", line: 8, containing: [
            "rule 'water.bad': ", "warning level must be higher", "warning 100 kPa and critical 140 kPa",
        ])
        expectProblem(inFile, at: "items[1].deadband", line: 9, containing: ["0 or more"])
        let inMain = found.filter { $0.file == scratch.path("gateway.yaml") }
        expectProblem(inMain, at: "rules.items[0].condition.above", line: 7, containing: ["got neither"])
        #expect(found.first { $0.keyPath == "items[1].deadband" }?.description
            == "\(scratch.path("rules/water.yaml")):9:15: items[1].deadband: rule 'water.bad': the deadband is how far a value must recover past a level to clear it, 0 or more; got -2 kPa")
    }

    @Test("a missing include is a problem at the include, with the reason")
    func missingInclude() throws {
        let scratch = try Scratch()
        expectOnlyProblem(
            in: minimalConfig("rules:\n  include:\n    - rules/nope.yaml"), file: scratch.path("gateway.yaml"),
            at: "rules.include[0]", line: 6, column: 7,
            containing: ["cannot read the rules file \(scratch.path("rules/nope.yaml"))", "No such file or directory"])
        expectOnlyProblem(in: minimalConfig("rules: { include: rules.yaml }"), at: "rules.include", line: 4,
                          containing: ["a list of rules files"])
    }

    @Test("rule ids are unique across files; the duplicate names the first file and line")
    func duplicateAcrossFiles() throws {
        let scratch = try Scratch()
        try scratch.write("rules/a.yaml", ruleFile("shared"))
        try scratch.write("rules/b.yaml", "\n\n" + ruleFile("shared"))
        let found = problems(in: minimalConfig("rules: { include: [rules/a.yaml, rules/b.yaml] }"), file: scratch.path("gateway.yaml"))
        #expect(found.count == 1, "\(found)")
        #expect(found.first?.file == scratch.path("rules/b.yaml"))
        #expect(found.first?.line == 4)
        #expect(found.first?.keyPath == "items[0].id")
        #expect(found.first?.message.contains("rule id 'shared' is already defined at \(scratch.path("rules/a.yaml")):2") == true)
    }

    @Test("a cycle of includes and a file included twice are refused")
    func cycles() throws {
        let scratch = try Scratch()
        try scratch.write("rules/a.yaml", ruleFile("a", include: "b.yaml"))
        try scratch.write("rules/b.yaml", ruleFile("b", include: "a.yaml"))
        let main = scratch.path("gateway.yaml")
        let found = problems(in: minimalConfig("rules: { include: [rules/a.yaml] }"), file: main)
        #expect(found.count == 1, "\(found)")
        #expect(found.first?.file == scratch.path("rules/b.yaml"))
        #expect(found.first?.keyPath == "include[0]")
        #expect(found.first?.message.contains("makes a cycle (\(scratch.path("rules/a.yaml")) → \(scratch.path("rules/b.yaml")) → \(scratch.path("rules/a.yaml")))") == true)

        try scratch.write("self.yaml", ruleFile("s", include: "self.yaml"))
        let selfInclude = problems(in: minimalConfig("rules: { include: [self.yaml] }"), file: main)
        #expect(selfInclude.first?.message.contains("makes a cycle") == true, "\(selfInclude)")

        try scratch.write("rules/c.yaml", ruleFile("c"))
        let twice = problems(in: minimalConfig("rules:\n  include: [rules/c.yaml, ./rules/c.yaml]"), file: main)
        #expect(twice.count == 1, "\(twice)")
        #expect(twice.first?.keyPath == "rules.include[1]")
        #expect(twice.first?.message.contains("is already included at \(main):5") == true, "\(twice)")
    }

    @Test("syntax errors, an empty file and a bad top level in an included file name it")
    func badIncludedFiles() throws {
        let scratch = try Scratch()
        try scratch.write("syntax.yaml", "items:\n  - id: [unclosed\n")
        try scratch.write("empty.yaml", "# nothing yet\n")
        try scratch.write("list.yaml", "- id: x\n")
        try scratch.write("keys.yaml", "itms: []\n")
        let found = problems(
            in: minimalConfig("rules: { include: [syntax.yaml, empty.yaml, list.yaml, keys.yaml] }"), file: scratch.path("gateway.yaml"))
        #expect(found.count == 4, "\(found.map(\.description).joined(separator: "\n"))")
        #expect(found.contains { $0.file == scratch.path("syntax.yaml") && $0.message.contains("YAML syntax error") })
        #expect(found.contains { $0.file == scratch.path("empty.yaml") && $0.message.contains("the rules file is empty") })
        #expect(found.contains { $0.file == scratch.path("list.yaml") && $0.message.contains("expected a mapping with include") })
        #expect(found.contains { $0.file == scratch.path("keys.yaml") && $0.keyPath == "itms" && $0.message.contains("did you mean 'items'?") })
    }
}
