import Yams

/// Turns YAML text into Yams' node tree (every node keeps its line and column), reporting syntax
/// errors as ``ConfigurationProblem``s.
///
/// Yams rejects a mapping with a repeated key and stops there. So that a repeated key does not hide
/// the rest of the file's problems, the second occurrence is located in the text and renamed to a
/// placeholder key, and the text is composed again; the placeholder is recorded so that the walk over
/// the tree reports it as a duplicate (with its key path) and ignores its value.
struct YAMLDocument {
    /// A repeated key that was renamed so composing could go on.
    struct DuplicateKey {
        let key: String
        let firstLine: Int
    }

    /// The root node, or `nil` when the text could not be composed (the problems say why) or is empty.
    let root: Node?
    /// Syntax errors (at most one: libyaml stops at the first).
    let problems: [ConfigurationProblem]
    /// Placeholder key → the repeated key it replaced.
    let duplicates: [String: DuplicateKey]

    /// More repeated keys than this are reported once composing stops recovering.
    private static let recoveryLimit = 50

    static func compose(_ yaml: String, file: String) -> YAMLDocument {
        var text = yaml
        var duplicates: [String: DuplicateKey] = [:]
        while true {
            do {
                let root = try Yams.compose(yaml: text)
                return YAMLDocument(root: root, problems: [], duplicates: duplicates)
            } catch let YamlError.duplicatedKeysInMapping(keys, context) {
                let key = keys.sorted().first ?? ""
                if duplicates.count < recoveryLimit,
                    let renamed = rename(key: key, after: context.mark, in: text, placeholder: "__duplicate_key_\(duplicates.count + 1)__")
                {
                    duplicates[renamed.placeholder] = DuplicateKey(key: key, firstLine: context.mark.line)
                    text = renamed.text
                    continue
                }
                let problem = ConfigurationProblem(
                    file: file, line: context.mark.line, column: context.mark.column, keyPath: "",
                    message: "key '\(key)' appears more than once in the same mapping; each key may be written only once"
                )
                return YAMLDocument(root: nil, problems: unplaced(duplicates, file: file) + [problem], duplicates: [:])
            } catch {
                let problem = syntaxProblem(error, yaml: text, file: file)
                return YAMLDocument(root: nil, problems: unplaced(duplicates, file: file) + [problem], duplicates: [:])
            }
        }
    }

    /// Duplicates found before composing failed for another reason: reported without a key path.
    private static func unplaced(_ duplicates: [String: DuplicateKey], file: String) -> [ConfigurationProblem] {
        duplicates.values.map {
            ConfigurationProblem(
                file: file, line: $0.firstLine, column: 0, keyPath: "",
                message: "key '\($0.key)' appears more than once in the same mapping; each key may be written only once"
            )
        }
    }

    /// Finds the next occurrence of `key` in the block mapping whose first occurrence is at `mark` (a
    /// later line that starts with the key at the same column, before the mapping ends) and renames
    /// it. `nil` when it cannot be found with certainty (flow mappings, exotic layouts).
    private static func rename(key: String, after mark: Mark, in text: String, placeholder: String)
        -> (text: String, placeholder: String)?
    {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let indentation = mark.column - 1
        guard mark.line >= 1, indentation >= 0 else { return nil }
        for index in mark.line..<lines.count {
            let line = lines[index]
            let leading = line.unicodeScalars.prefix { $0 == " " }.count
            let rest = line.unicodeScalars.dropFirst(leading)
            if rest.isEmpty || rest.first == "#" || rest.first == "\r" { continue }
            if leading < indentation { return nil }
            if leading > indentation { continue }
            for written in [key, "\"\(key)\"", "'\(key)'"] {
                guard String(rest).hasPrefix(written) else { continue }
                let after = String(rest).dropFirst(written.count).drop { $0 == " " }
                guard after.hasPrefix(":") else { continue }
                let afterColon = after.dropFirst()
                guard afterColon.isEmpty || afterColon.first == " " || afterColon.first == "\r" else { continue }
                lines[index] = String(repeating: " ", count: leading) + placeholder + after
                return (lines.joined(separator: "\n"), placeholder)
            }
        }
        return nil
    }

    /// A libyaml error as a problem. Only libyaml's own problem text is used, never the snippet of
    /// the line: that line might hold a secret.
    static func syntaxProblem(_ error: any Error, yaml: String, file: String) -> ConfigurationProblem {
        func problem(_ location: Location?, _ message: String) -> ConfigurationProblem {
            ConfigurationProblem(
                file: file, line: location?.line ?? 0, column: location?.column ?? 0, keyPath: "",
                message: "YAML syntax error: \(message)"
            )
        }
        func explain(_ context: YamlError.Context?, _ text: String, _ mark: Mark) -> String {
            var message = text
            if let context {
                message += " (\(context.text) at line \(context.mark.line), column \(context.mark.column))"
            }
            let line = yaml.split(separator: "\n", omittingEmptySubsequences: false)
                .dropFirst(mark.line - 1).first.map(String.init) ?? ""
            if line.contains("\t") {
                message += "; YAML indentation must use spaces, not tabs"
            } else if text.contains("mapping values are not allowed") {
                message += "; check the indentation, and quote values that contain ': '"
            } else if text.contains("did not find expected key") || text.contains("did not find expected '-'") {
                message += "; check the indentation of this line"
            }
            return message
        }
        guard let yamlError = error as? YamlError else { return problem(nil, "\(error)") }
        switch yamlError {
        case .scanner(let context, let text, let mark, _),
            .parser(let context, let text, let mark, _),
            .composer(let context, let text, let mark, _):
            return problem(Location(line: mark.line, column: mark.column), explain(context, text, mark))
        case .reader(let text, let offset, _, _):
            return problem(offset.map { location(atCharacterOffset: $0, in: yaml) }, text)
        case .duplicatedKeysInMapping(let keys, let context):
            return problem(Location(line: context.mark.line, column: context.mark.column), "repeated keys \(keys.sorted().joined(separator: ", "))")
        case .dataCouldNotBeDecoded:
            return problem(nil, "the text could not be decoded")
        case .no, .memory, .writer, .emitter, .representer:
            return problem(nil, "\(yamlError)")
        }
    }

    private static func location(atCharacterOffset offset: Int, in text: String) -> Location {
        var line = 1
        var column = 1
        for character in text.prefix(offset) {
            if character == "\n" || character == "\r\n" {
                line += 1
                column = 1
            } else {
                column += character.unicodeScalars.count
            }
        }
        return Location(line: line, column: column)
    }
}
