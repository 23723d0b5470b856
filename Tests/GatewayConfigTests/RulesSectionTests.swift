import GatewayConfig
import GatewayCore
import Testing

@Suite("Rules: every key")
struct RulesSectionTests {
    @Test("a rule with every key loads with every value")
    func everyKey() throws {
        let yaml = minimalConfig("""
            rules:
              items:
                - id: water.pressure.low
                  description: Network-end service pressure below the service standard
                  source: "CJJ 58-2007 §3.1.3"
                  match: { utility: water, metric: pressure, site: "site-*", device: "wm-?1", attributes: { point: tap, safety: True, nominal_voltage: 220 } }
                  condition: { below: { warning: 160, critical: 140 } }
                  deadband: 5
                  on_delay: 60s
                  off_delay: 2m
                  risk: { level: high, category: external }
                  ticket: { when: warning, steps: { accept: 15m, investigate: 24h, handle: 7wd, feedback: 2wd } }
                  safety: true
            """)
        let rules = try #require(load(yaml)).configuration.rules.rules
        #expect(rules == [
            RuleDefinition(
                id: "water.pressure.low", description: "Network-end service pressure below the service standard",
                source: "CJJ 58-2007 §3.1.3",
                match: RuleMatch(
                    utility: .water, site: Glob("site-*"), device: Glob("wm-?1"), metric: Glob("pressure"),
                    attributes: ["point": "tap", "safety": "true", "nominal_voltage": "220"]),
                condition: .below(SeverityLevels(warning: 160, critical: 140)), deadband: 5, onDelayMillis: 60_000,
                offDelayMillis: 120_000, risk: Risk(level: .high, category: .external),
                ticket: TicketPolicy(when: .warning, steps: [
                    .accept: .duration(millis: 900_000), .investigate: .duration(millis: 86_400_000),
                    .handle: .workingDays(7), .feedback: .workingDays(2),
                ]),
                safety: true
            ),
        ])
    }

    @Test("defaults: description empty, no source, globs *, no deadband or delays, medium technical risk, no ticket")
    func defaults() throws {
        let yaml = minimalConfig("""
            rules:
              items:
                - id: r1
                  match: { metric: flow }
                  condition: { above: { critical: 10 } }
                - id: r2
                  match: { metric: flow }
                  condition: { above: { warning: 1 } }
                  ticket: {}
            """)
        let rules = try #require(load(yaml)).configuration.rules.rules
        #expect(rules.first == RuleDefinition(
            id: "r1", match: RuleMatch(metric: Glob("flow")), condition: .above(SeverityLevels(critical: 10))))
        #expect(rules.first?.risk == Risk(level: .medium, category: .technical))
        #expect(rules.last?.ticket == TicketPolicy(when: .critical, steps: [:]))
        #expect(try #require(load(minimalConfig("rules:"))).configuration.rules.rules.isEmpty)
        #expect(try #require(load(minimalConfig(""))).configuration.rules == RulesConfiguration())
    }

    @Test("every kind of condition")
    func conditions() throws {
        let yaml = minimalConfig("""
            rules:
              items:
                - { id: a, match: { metric: oil_temperature }, condition: { above: { warning: 85, critical: 95 } } }
                - { id: b, match: { metric: ph }, condition: { outside: { low: { critical: 6.5 }, high: { warning: 8, critical: 8.5 } } } }
                - { id: c, match: { metric: pressure }, condition: { rate: { window: 5m, drop: { critical: 50 } } } }
                - { id: d, match: { metric: pressure }, condition: { rate: { window: 30s, rise: { warning: 10, critical: 20 }, drop: { warning: 5 } } } }
                - { id: e, match: { metric: "*" }, condition: { no_data: { for: 10m } } }
                - { id: f, match: { metric: "*" }, condition: { no_data: {} } }
                - id: g
                  match: { metric: "*" }
                  condition:
                    no_data:
                - { id: h, match: { metric: voltage }, condition: { flatline: { for: 30m, tolerance: 0.01 } } }
                - { id: i, match: { metric: voltage }, condition: { flatline: { for: 1h } } }
                - { id: j, match: { metric: power_factor }, condition: { below: { critical: 0.85 } } }
            """)
        let conditions = try #require(load(yaml)).configuration.rules.rules.map(\.condition)
        #expect(conditions == [
            .above(SeverityLevels(warning: 85, critical: 95)),
            .outside(low: SeverityLevels(critical: 6.5), high: SeverityLevels(warning: 8, critical: 8.5)),
            .rate(windowMillis: 300_000, rise: nil, drop: SeverityLevels(critical: 50)),
            .rate(windowMillis: 30_000, rise: SeverityLevels(warning: 10, critical: 20), drop: SeverityLevels(warning: 5)),
            .noData(forMillis: 600_000),
            .noData(forMillis: nil),
            .noData(forMillis: nil),
            .flatline(forMillis: 1_800_000, tolerance: 0.01),
            .flatline(forMillis: 3_600_000, tolerance: 0),
            .below(SeverityLevels(critical: 0.85)),
        ])
    }
}

@Suite("Rules: problems")
struct RuleProblemTests {
    /// One rule whose lines are given; the `- id:` line is line 6.
    func rule(_ lines: String) -> String {
        minimalConfig("""
            rules:
              items:
            \(lines)
            """)
    }

    let base = """
            - id: water.pressure.low
              match: { utility: water, metric: pressure }
              condition: { below: { warning: 160, critical: 140 } }
        """

    @Test("problems inside a rule name the rule")
    func problemsNameTheRule() {
        expectOnlyProblem(in: rule(base + "\n      deadband: -1"), at: "rules.items[0].deadband", line: 9, containing: [
            "rule 'water.pressure.low': ", "0 or more", "-1 kPa",
        ])
    }

    @Test("unknown keys, a missing id, match or condition, a bad id")
    func keys() {
        let found = problems(in: rule("""
                - id: Water Pressure
                  condtion: { above: { critical: 1 } }
            """))
        expectProblem(found, at: "rules.items[0].id", line: 6, containing: ["a rule id of lowercase letters", "'Water Pressure'"])
        expectProblem(found, at: "rules.items[0].condtion", line: 7, containing: ["did you mean 'condition'?"])
        expectProblem(found, at: "rules.items[0].condition", line: 6, containing: ["missing required key 'condition'"])
        expectProblem(found, at: "rules.items[0].match", line: 6, containing: ["missing required key 'match'"])
        expectOnlyProblem(in: rule("    - { match: { metric: flow }, condition: { no_data: {} } }"), at: "rules.items[0].id", line: 6,
                          containing: ["missing required key 'id'"])
        expectOnlyProblem(in: minimalConfig("rules: [a]"), at: "rules", line: 4, containing: ["expected a mapping with include"])
        expectOnlyProblem(in: minimalConfig("rules: { item: [] }"), at: "rules.item", line: 4, containing: ["did you mean 'items'?"])
    }

    @Test("rule ids are unique; the duplicate names the first place")
    func duplicateID() {
        expectOnlyProblem(in: rule(base + "\n" + base), at: "rules.items[1].id", line: 9, containing: [
            "rule id 'water.pressure.low' is already defined at \(configFile):6", "unique",
        ])
    }

    @Test("match: metric required, utility checked, attributes single values")
    func match() {
        expectOnlyProblem(in: rule("""
                - id: r
                  match: { utility: water }
                  condition: { no_data: {} }
            """), at: "rules.items[0].match.metric", line: 7, containing: ["missing required key 'metric'", "\"*\" for every metric"])
        expectOnlyProblem(in: rule("""
                - id: r
                  match: { utility: wter, metric: flow }
                  condition: { no_data: {} }
            """), at: "rules.items[0].match.utility", line: 7, containing: ["water, power or gas", "did you mean 'water'?"])
        let found = problems(in: rule("""
                - id: r
                  match: { metric: flow, attributes: { point: [tap], Point: tap, safety: yes } }
                  condition: { no_data: {} }
            """))
        #expect(found.count == 3, "\(found)")
        expectProblem(found, at: "rules.items[0].match.attributes.point", line: 7, containing: ["a single value", "got a list"])
        expectProblem(found, at: "rules.items[0].match.attributes.Point", line: 7, containing: ["attribute names are lowercase"])
        expectProblem(found, at: "rules.items[0].match.attributes.safety", line: 7, containing: ["true or false", "'yes'"])
    }

    @Test("a condition has exactly one kind")
    func oneKind() {
        expectOnlyProblem(in: rule("""
                - id: r
                  match: { metric: pressure }
                  condition:
                    above: { critical: 500 }
                    below: { critical: 100 }
            """), at: "rules.items[0].condition.below", line: 10, containing: [
                "exactly one condition", "'above' is already given (line 9)", "another rule for 'below'",
            ])
        expectOnlyProblem(in: rule("""
                - id: r
                  match: { metric: pressure }
                  condition: {}
            """), at: "rules.items[0].condition", line: 8, containing: ["one of above, below, outside, rate, no_data or flatline"])
        expectOnlyProblem(in: rule("""
                - id: r
                  match: { metric: pressure }
                  condition: { abov: { critical: 1 } }
            """), at: "rules.items[0].condition.abov", line: 8, containing: ["did you mean 'above'?"])
    }

    @Test("levels: at least one, numbers in the canonical unit, warning before critical")
    func levels() {
        expectOnlyProblem(in: rule("""
                - id: r
                  match: { metric: pressure }
                  condition: { below: { warning: high } }
            """), at: "rules.items[0].condition.below.warning", line: 8, containing: [
                "a number in kPa, the canonical unit of pressure", "'high'",
            ])
        expectOnlyProblem(in: rule("""
                - id: r
                  match: { metric: pressure }
                  condition: { below: {} }
            """), at: "rules.items[0].condition.below", line: 8, containing: ["a warning level, a critical level or both", "kPa"])
        expectOnlyProblem(in: rule("""
                - id: r
                  match: { metric: pressure }
                  condition: { below: { warning: 140, critical: 160 } }
            """), at: "rules.items[0].condition.below", line: 8, containing: [
                "for 'below' the warning level must be higher than the critical level", "warning 140 kPa and critical 160 kPa",
            ])
        expectOnlyProblem(in: rule("""
                - id: r
                  match: { metric: oil_temperature }
                  condition: { above: { warning: 95, critical: 95 } }
            """), at: "rules.items[0].condition.above", line: 8, containing: [
                "for 'above' the warning level must be lower than the critical level", "95 degC",
            ])
        expectOnlyProblem(in: rule("""
                - id: r
                  match: { metric: ph }
                  condition: { outside: { low: { critical: 8.5 }, high: { critical: 6.5 } } }
            """), at: "rules.items[0].condition.outside", line: 8, containing: [
                "the low levels must lie below the high levels", "low 8.5 pH and high 6.5 pH",
            ])
        expectOnlyProblem(in: rule("""
                - id: r
                  match: { metric: ph }
                  condition: { outside: { low: { critical: 6.5 } } }
            """), at: "rules.items[0].condition.outside.high", line: 8, containing: [
                "missing required key 'high'",
            ])
        let found = problems(in: rule("""
                - id: r
                  match: { metric: ph }
                  condition: { outside: { low: { critical: 6.5, warning: 6 }, high: { critical: 8.5 } } }
            """))
        expectProblem(found, at: "rules.items[0].condition.outside.low", line: 8, containing: ["for 'outside.low' the warning level must be higher"])
        // A metric outside the vocabulary (or a glob) has no known unit.
        expectOnlyProblem(in: rule("""
                - id: r
                  match: { metric: "level_*" }
                  condition: { above: { critical: x } }
            """), at: "rules.items[0].condition.above.critical", line: 8, containing: ["a number in the metric's canonical unit"])
    }

    @Test("rate: a window, rise or drop, amounts above 0")
    func rate() {
        let found = problems(in: rule("""
                - id: r
                  match: { metric: pressure }
                  condition: { rate: { drop: { critical: 0 } } }
            """))
        #expect(found.count == 2, "\(found)")
        expectProblem(found, at: "rules.items[0].condition.rate.window", line: 8, containing: ["missing required key 'window'"])
        expectProblem(found, at: "rules.items[0].condition.rate.drop.critical", line: 8, containing: ["more than 0", "got 0 kPa"])
        expectOnlyProblem(in: rule("""
                - id: r
                  match: { metric: pressure }
                  condition: { rate: { window: 5m } }
            """), at: "rules.items[0].condition.rate", line: 8, containing: ["'rise', 'drop' or both"])
        expectOnlyProblem(in: rule("""
                - id: r
                  match: { metric: pressure }
                  condition: { rate: { window: 0s, rise: { warning: 5 } } }
            """), at: "rules.items[0].condition.rate.window", line: 8, containing: ["must be longer than 0s"])
    }

    @Test("no_data and flatline: durations, tolerance, no deadband")
    func noDataAndFlatline() {
        expectOnlyProblem(in: rule("""
                - id: r
                  match: { metric: "*" }
                  condition: { no_data: { for: 10 } }
            """), at: "rules.items[0].condition.no_data.for", line: 8, containing: ["a duration", "for example 10s"])
        expectOnlyProblem(in: rule("""
                - id: r
                  match: { metric: voltage }
                  condition: { flatline: { tolerance: 0.1 } }
            """), at: "rules.items[0].condition.flatline.for", line: 8, containing: ["missing required key 'for'"])
        expectOnlyProblem(in: rule("""
                - id: r
                  match: { metric: voltage }
                  condition: { flatline: { for: 30m, tolerance: -0.1 } }
            """), at: "rules.items[0].condition.flatline.tolerance", line: 8, containing: ["0 or more", "-0.1 V"])
        expectOnlyProblem(in: rule("""
                - id: r
                  match: { metric: voltage }
                  condition: { no_data: {} }
                  deadband: 2
            """), at: "rules.items[0].deadband", line: 9, containing: ["a deadband applies to levels"])
    }

    @Test("delays, risk, ticket and safety")
    func otherKeys() {
        let found = problems(in: rule(base + """

                  on_delay: soon
                  off_delay: 5
                  risk: { level: severe }
                  ticket: { when: critical, steps: { accpet: 15m, handle: 0wd, investigate: 24, feedback: 1.5wd } }
                  safety: yes
            """))
        #expect(found.count == 9, "\(found.map(\.description).joined(separator: "\n"))")
        expectProblem(found, at: "rules.items[0].on_delay", line: 9, containing: ["a duration such as", "'soon'"])
        expectProblem(found, at: "rules.items[0].off_delay", line: 10, containing: ["for example 5s"])
        expectProblem(found, at: "rules.items[0].risk.level", line: 11, containing: ["one of high, medium or low", "'severe'"])
        expectProblem(found, at: "rules.items[0].risk.category", line: 11, containing: ["missing required key 'category'"])
        expectProblem(found, at: "rules.items[0].ticket.steps.accpet", line: 12, containing: ["did you mean 'accept'?"])
        expectProblem(found, at: "rules.items[0].ticket.steps.handle", line: 12, containing: ["at least 1wd", "'0wd'"])
        expectProblem(found, at: "rules.items[0].ticket.steps.investigate", line: 12, containing: ["for example 24h or 24wd"])
        expectProblem(found, at: "rules.items[0].ticket.steps.feedback", line: 12, containing: ["whole number of working days"])
        let safety = problems(in: rule(base + "\n      safety: yes\n      ticket: { when: severe }"))
        expectProblem(safety, at: "rules.items[0].safety", line: 9, containing: ["true or false", "never auto-shelved"])
        expectProblem(safety, at: "rules.items[0].ticket.when", line: 10, containing: ["warning or critical", "'severe'"])
    }
}
