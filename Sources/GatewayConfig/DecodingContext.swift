import Yams

/// The state of one load: where keys are, the problems found so far, and how relative paths resolve.
///
/// A reference type on purpose: every reader of one load appends to the same list of problems, which
/// is what lets decoding go on after a problem and report them all at once. It lives for one call of
/// ``ConfigurationLoader/load(yaml:file:)`` on one thread and is never shared.
final class DecodingContext {
    let sourceMap: ConfigSourceMap
    /// Relative paths in the file (`state_dir`, `password_file`, TLS files) are taken relative to this
    /// directory: the directory of the configuration file.
    let baseDirectory: String
    /// Placeholder keys that stand for repeated keys (see ``YAMLDocument``): skipped while decoding.
    let ignoredKeys: Set<String>
    let options: ConfigurationLoader.Options
    private(set) var problems: [ConfigurationProblem] = []

    init(document: YAMLDocument, file: String, baseDirectory: String, options: ConfigurationLoader.Options = .init()) {
        self.options = options
        var problems: [ConfigurationProblem] = []
        var locations: [String: Location] = [:]
        if let root = document.root {
            SourceMapBuilder.walk(
                root, keyPath: "", location: root.sourceLocation ?? Location(line: 1, column: 1),
                duplicates: document.duplicates, into: &locations
            ) { keyPath, location, message in
                problems.append(ConfigurationProblem(
                    file: file, line: location.line, column: location.column, keyPath: keyPath, message: message
                ))
            }
        }
        self.sourceMap = ConfigSourceMap(file: file, locations: locations)
        self.baseDirectory = baseDirectory
        self.ignoredKeys = Set(document.duplicates.keys)
        self.problems = document.problems + problems
    }

    /// Records a problem located where `keyPath` (or its closest present ancestor) was written.
    func report(at keyPath: String, _ message: String) {
        problems.append(sourceMap.problem(at: keyPath, message))
    }

    /// Records a problem at an explicit position (a key rather than its value, for instance).
    func report(at keyPath: String, location: Location, _ message: String) {
        problems.append(ConfigurationProblem(
            file: sourceMap.file, line: location.line, column: location.column, keyPath: keyPath, message: message
        ))
    }

    /// Takes in the problems of another file this load reads (a rules file named by `include`), which
    /// were located in that file by its own context.
    func record(_ problems: [ConfigurationProblem]) {
        self.problems.append(contentsOf: problems)
    }

    /// How many problems are recorded so far (to annotate the ones a step adds).
    var problemCount: Int { problems.count }

    /// Starts the message of every problem recorded since `start` with `prefix` (such as
    /// "rule 'water.pressure.low': "), so that a problem inside a rule names the rule.
    func prefixProblems(from start: Int, with prefix: String) {
        guard start < problems.count else { return }
        for index in start..<problems.count { problems[index].message = prefix + problems[index].message }
    }

    /// An absolute path for a path written in the file.
    func resolvePath(_ path: String) -> String {
        ConfigPaths.resolve(path, against: baseDirectory)
    }

    /// Records a problem when the file at `path` (already resolved) cannot be read now.
    func checkReadable(_ path: String, at keyPath: String) {
        guard options.checkFiles else { return }
        if let error = FileAccess.checkReadable(path) {
            report(at: keyPath, "cannot read \(path): \(error.reason)")
        }
    }
}

/// Builds the key path → position table of ``ConfigSourceMap`` from the whole tree, including keys
/// the decoder will reject, and reports the placeholders that stand for repeated keys.
enum SourceMapBuilder {
    static func walk(
        _ node: Node, keyPath: String, location: Location,
        duplicates: [String: YAMLDocument.DuplicateKey], into locations: inout [String: Location],
        report: (String, Location, String) -> Void
    ) {
        if locations[keyPath] == nil { locations[keyPath] = location }
        switch node {
        case .mapping(let mapping):
            for (key, value) in mapping {
                guard case .scalar(let keyScalar) = key else { continue }
                let keyLocation = key.sourceLocation ?? location
                if let duplicate = duplicates[keyScalar.string] {
                    report(
                        ConfigSourceMap.child(keyPath, duplicate.key), keyLocation,
                        "key '\(duplicate.key)' is written twice in this mapping (first at line \(duplicate.firstLine)); "
                            + "each key may be written only once"
                    )
                    continue
                }
                let valueLocation: Location
                if case .scalar = value, !value.isNull, let mark = value.sourceLocation {
                    valueLocation = mark
                } else {
                    valueLocation = keyLocation
                }
                walk(
                    value, keyPath: ConfigSourceMap.child(keyPath, keyScalar.string), location: valueLocation,
                    duplicates: duplicates, into: &locations, report: report
                )
            }
        case .sequence(let sequence):
            for (index, item) in sequence.enumerated() {
                walk(
                    item, keyPath: ConfigSourceMap.item(keyPath, index), location: item.sourceLocation ?? location,
                    duplicates: duplicates, into: &locations, report: report
                )
            }
        case .scalar, .alias:
            break
        }
    }
}

extension Node {
    /// Yams' mark as a ``Location``.
    var sourceLocation: Location? {
        mark.map { Location(line: $0.line, column: $0.column) }
    }

    /// `~`, `null` or nothing at all after a key.
    var isNull: Bool {
        if case .scalar = self { return tag.rawValue == Tag.Name.null.rawValue }
        return false
    }
}
