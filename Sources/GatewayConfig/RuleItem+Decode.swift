import GatewayCore

/// One item of `rules.items` → ``RuleDefinition``. Every problem inside a rule names the rule
/// (`rule 'water.pressure.low': …`) besides its key path and line.
enum RuleItemSection {
    static let keys = [
        "id", "description", "source", "match", "condition", "deadband", "on_delay", "off_delay", "risk", "ticket", "safety",
    ]
    static let matchKeys = ["utility", "site", "device", "metric", "attributes"]
    static let idExpectation = "a rule id of lowercase letters, digits, '.', '_' and '-', such as water.pressure.low"

    /// A rule as far as it could be decoded: its id even when other keys are wrong, so that ids are
    /// checked for uniqueness across every file.
    struct Decoded {
        var id: String?
        var idNode: ConfigNode?
        var rule: RuleDefinition?
    }

    static func decode(_ item: ConfigNode) -> Decoded {
        let start = item.context.problemCount
        var decoded = Decoded()
        defer {
            if let id = decoded.id { item.context.prefixProblems(from: start, with: "rule '\(id)': ") }
        }
        guard let section = item.mapping(expecting: "a rule: a mapping with id, match and condition") else { return decoded }
        section.rejectUnknownKeys(keys)
        decoded.idNode = section.required("id", idExpectation)
        decoded.id = decoded.idNode?.name(expecting: idExpectation, allowed: isIDCharacter)

        let description = section.optional("description")?.text(expecting: "a sentence saying what the rule watches")
        let source = section.optional("source")?.string(expecting: "the standard the thresholds come from, such as \"GB 5749-2022 table 2\"")
        let matchNode = section.required("match", "which series the rule watches, such as `{ utility: water, metric: pressure }`")
        let match = matchNode.flatMap(decodeMatch)
        let metricPattern = matchNode.flatMap { node -> String? in
            guard case .mapping(let mapping) = node.node else { return nil }
            return mapping.first { $0.key.string == "metric" }?.value.string
        }
        let wording = ThresholdWording(metric: metricPattern)
        let conditionNode = section.required("condition", RuleConditionSection.expectation)
        let condition = conditionNode.flatMap { RuleConditionSection.decode($0, wording: wording) }

        var deadband = 0.0
        let deadbandNode = section.optional("deadband")
        if let deadbandNode, let value = deadbandNode.finiteNumber(expecting: "\(wording.number), 0 or more") {
            if value < 0 {
                deadbandNode.report("the deadband is how far a value must recover past a level to clear it, 0 or more; got \(wording.value(value))")
            } else {
                deadband = value
            }
            switch condition {
            case .noData?, .flatline?:
                deadbandNode.report("a deadband applies to levels (above, below, outside, rate); this rule's condition has none")
            default:
                break
            }
        }
        let onDelay = section.optional("on_delay")?.millis()
        let offDelay = section.optional("off_delay")?.millis()
        let riskNode = section.optional("risk")
        let risk = riskNode.flatMap(decodeRisk)
        let ticketNode = section.optional("ticket")
        let ticket = ticketNode.flatMap(decodeTicket)
        let safetyNode = section.optional("safety")
        let safety = safetyNode?.boolean(
            expecting: "true or false (a safety rule is never auto-shelved for chattering or folded into a flood ticket)")

        guard let id = decoded.id, let match, let condition,
            section.optional("on_delay") == nil || onDelay != nil, section.optional("off_delay") == nil || offDelay != nil,
            riskNode == nil || risk != nil, ticketNode == nil || ticket != nil, safetyNode == nil || safety != nil
        else { return decoded }
        decoded.rule = RuleDefinition(
            id: id, description: description ?? "", source: source, match: match, condition: condition, deadband: deadband,
            onDelayMillis: onDelay ?? 0, offDelayMillis: offDelay ?? 0,
            risk: risk ?? Risk(level: .medium, category: .technical), ticket: ticket, safety: safety ?? false
        )
        return decoded
    }

    static func isIDCharacter(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) || scalar == "." || scalar == "_" || scalar == "-"
    }

    /// `{ utility, site, device, metric, attributes }`: `metric` is required (`"*"` for every metric).
    static func decodeMatch(_ node: ConfigNode) -> RuleMatch? {
        guard let section = node.mapping(expecting: "a match such as `{ utility: water, metric: pressure, attributes: { point: tap } }`") else {
            return nil
        }
        section.rejectUnknownKeys(matchKeys)
        let utilityNode = section.optional("utility")
        let utility = utilityNode?.oneOf(Utility.self)
        func glob(_ key: String) -> Glob? {
            section.optional(key)?.string(expecting: "a name or a glob such as \"wm-*\" (* any run of characters, ? one)").map(Glob.init)
        }
        let site = section.optional("site").map { _ in glob("site") } ?? .some(.any)
        let device = section.optional("device").map { _ in glob("device") } ?? .some(.any)
        let metric = section.required("metric", "the metric the rule watches, such as pressure (\"*\" for every metric)")
            .flatMap { $0.string(expecting: "a metric name such as pressure, or a glob such as \"*\"").map(Glob.init) }
        let attributesNode = section.optional("attributes")
        let attributes = attributesNode.flatMap(AttributesSection.decode)
        guard utilityNode == nil || utility != nil, let site, let device, let metric,
            attributesNode == nil || attributes != nil
        else { return nil }
        return RuleMatch(utility: utility, site: site, device: device, metric: metric, attributes: attributes ?? [:])
    }

    /// `{ level: high|medium|low, category: technical|management|operational|external }`.
    static func decodeRisk(_ node: ConfigNode) -> Risk? {
        guard let section = node.mapping(expecting: "a risk such as `{ level: high, category: technical }`") else { return nil }
        section.rejectUnknownKeys(["level", "category"])
        let level = section.required("level", "high, medium or low")?.oneOf(RiskLevel.self)
        let category = section.required("category", "technical, management, operational or external")?.oneOf(RiskCategory.self)
        guard let level, let category else { return nil }
        return Risk(level: level, category: category)
    }

    /// `{ when: warning|critical, steps: { accept: 15m, investigate: 24h, handle: 7wd, feedback: 2wd } }`.
    static func decodeTicket(_ node: ConfigNode) -> TicketPolicy? {
        guard let section = node.mapping(expecting: "a ticket policy such as `{ when: critical, steps: { accept: 15m, handle: 7wd } }`") else {
            return nil
        }
        section.rejectUnknownKeys(["when", "steps"])
        let whenNode = section.optional("when")
        let when = whenNode?.oneOf(Severity.self)
        var steps: [TicketStep: DeadlineSpan] = [:]
        var complete = whenNode == nil || when != nil
        if let stepsNode = section.optional("steps") {
            if let stepsSection = stepsNode.mapping(expecting: "step deadlines such as `{ accept: 15m, investigate: 24h, handle: 7wd, feedback: 2wd }`") {
                stepsSection.rejectUnknownKeys(TicketStep.allCases.map(\.rawValue))
                for step in TicketStep.allCases {
                    guard let stepNode = stepsSection.optional(step.rawValue) else { continue }
                    if let deadline = stepNode.deadline() { steps[step] = deadline } else { complete = false }
                }
            } else {
                complete = false
            }
        }
        guard complete else { return nil }
        return TicketPolicy(when: when ?? .critical, steps: steps)
    }
}
