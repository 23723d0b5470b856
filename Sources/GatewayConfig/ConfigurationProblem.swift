/// One thing wrong with a configuration file, located precisely enough for an editor to jump to it.
///
/// The loader collects every problem of a file before it gives up, so an operator fixes them all in
/// one round instead of one restart per typo. `description` is the `FILE:LINE:COLUMN: KEYPATH: MESSAGE`
/// form that editors and CI logs understand.
public struct ConfigurationProblem: Error, Sendable, Hashable, CustomStringConvertible {
    /// The configuration file as it was named to the loader.
    public var file: String
    /// 1-based line; 0 when the problem concerns the file as a whole (it cannot be read).
    public var line: Int
    /// 1-based column in Unicode scalars; 0 when the problem concerns the file as a whole.
    public var column: Int
    /// Where in the configuration the problem is, such as `routes[1].metrics[0].unit` (list indices
    /// count from 0). Empty for problems that concern the whole file, such as a YAML syntax error.
    public var keyPath: String
    /// What is wrong and what was expected, in one sentence. Never contains a secret.
    public var message: String

    public init(file: String, line: Int, column: Int, keyPath: String, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.keyPath = keyPath
        self.message = message
    }

    /// `FILE:LINE:COLUMN: KEYPATH: MESSAGE`, or `FILE:LINE:COLUMN: MESSAGE` without a key path.
    public var description: String {
        let location = "\(file):\(line):\(column)"
        return keyPath.isEmpty ? "\(location): \(message)" : "\(location): \(keyPath): \(message)"
    }
}

/// Everything wrong with a configuration file, sorted by position.
///
/// Thrown by ``ConfigurationLoader`` when at least one ``ConfigurationProblem`` was found; later
/// validation stages (the adapters checking their route options, for instance) build one from the
/// problems they find with ``ConfigSourceMap/problem(at:_:)``.
public struct ConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Every problem found, sorted by file, line and column (problems at the same place keep the
    /// order in which they were found).
    public let problems: [ConfigurationProblem]

    public init(problems: [ConfigurationProblem]) {
        self.problems = problems.enumerated().sorted { left, right in
            let l = left.element
            let r = right.element
            if l.file != r.file { return l.file < r.file }
            if l.line != r.line { return l.line < r.line }
            if l.column != r.column { return l.column < r.column }
            return left.offset < right.offset
        }.map(\.element)
    }

    /// A header line with the number of problems, then one problem per line.
    public var description: String {
        let header = problems.count == 1
            ? "invalid configuration (1 problem):"
            : "invalid configuration (\(problems.count) problems):"
        return ([header] + problems.map(\.description)).joined(separator: "\n")
    }
}
