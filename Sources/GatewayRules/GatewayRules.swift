// The rule engine: see RuleEngine.swift.
