import GatewayCore

/// `rules:` → ``RuleDefinition``s, from the main file and the rules files it includes.
///
/// `rules: { include: [rules/water.yaml], items: [ … ] }`. An included file has the same shape as
/// the section (`include:` and `items:` at its top level), so it may include further files; include
/// paths are relative to the file that names them. Rules of included files come first, in the order
/// of `include`, then the file's own items. A file included twice, or a cycle of includes, is a
/// problem, as is nesting deeper than ``depthLimit``. Problems inside an included file name that file
/// and its own lines and key paths (`rules/water.yaml:12:7: items[2].condition.below: …`). Rule ids
/// are unique across every file.
enum RulesSection {
    static let keys = ["include", "items"]
    static let depthLimit = 8

    /// What the walk over the files gathers.
    final class Collector {
        var rules: [RuleDefinition] = []
        /// Rule id → `FILE:LINE` where it was first defined.
        var owners: [String: String] = [:]
        /// Absolute path → `FILE:LINE` of the include that read it (the main file: its own name).
        var files: [String: String] = [:]
        /// Absolute path → the file's name as problems write it.
        var names: [String: String] = [:]
    }

    static func decode(_ node: ConfigNode) -> [RuleDefinition] {
        let collector = Collector()
        let mainFile = node.context.sourceMap.file
        let key = absolute(mainFile)
        collector.files[key] = mainFile
        collector.names[key] = mainFile
        decodeFile(node, collector: collector, stack: [key])
        return collector.rules
    }

    /// The `rules:` section, or the top level of an included file.
    static func decodeFile(_ node: ConfigNode, collector: Collector, stack: [String]) {
        guard let section = node.mapping(expecting: "a mapping with include (rules files) and items (rules)") else { return }
        section.rejectUnknownKeys(keys)
        if let includeNode = section.optional("include"),
            let paths = includeNode.list(expecting: "a list of rules files relative to this file, such as [rules/water.yaml]")
        {
            for pathNode in paths { include(pathNode, collector: collector, stack: stack) }
        }
        if let itemsNode = section.optional("items"), let items = itemsNode.list(expecting: "a list of rules") {
            for item in items { add(RuleItemSection.decode(item), item: item, collector: collector) }
        }
    }

    static func add(_ decoded: RuleItemSection.Decoded, item: ConfigNode, collector: Collector) {
        guard let id = decoded.id, let idNode = decoded.idNode else { return }
        let here = "\(item.context.sourceMap.file):\(item.context.sourceMap.nearestLocation(of: idNode.keyPath).line)"
        if let owner = collector.owners[id] {
            idNode.report("rule id '\(id)' is already defined at \(owner); rule ids must be unique across the configuration and the files it includes")
            return
        }
        collector.owners[id] = here
        if let rule = decoded.rule { collector.rules.append(rule) }
    }

    /// Reads one included file and decodes it with a context of its own, so that its problems name it.
    static func include(_ pathNode: ConfigNode, collector: Collector, stack: [String]) {
        let context = pathNode.context
        guard let written = pathNode.string(expecting: "the path of a rules file relative to this file, such as rules/water.yaml") else {
            return
        }
        let file = sibling(written, of: context.sourceMap.file)
        let key = absolute(file)
        let here = "\(context.sourceMap.file):\(context.sourceMap.nearestLocation(of: pathNode.keyPath).line)"
        if let position = stack.firstIndex(of: key) {
            let cycle = (stack[position...].map { collector.names[$0] ?? $0 } + [file]).joined(separator: " → ")
            pathNode.report("including \(file) here makes a cycle (\(cycle)); remove one of these includes")
            return
        }
        if let first = collector.files[key] {
            pathNode.report("\(file) is already included at \(first); include each rules file once")
            return
        }
        guard stack.count < depthLimit else {
            pathNode.report("includes nest more than \(depthLimit) files deep; include the files from fewer levels")
            return
        }
        collector.files[key] = here
        collector.names[key] = file
        let bytes: [UInt8]
        switch FileAccess.readFile(file, limit: ConfigurationLoader.fileSizeLimit) {
        case .success(let content): bytes = content
        case .failure(let error):
            pathNode.report("cannot read the rules file \(file): \(error.reason)")
            return
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            pathNode.report("cannot read the rules file \(file): the file is not UTF-8 text")
            return
        }
        let document = YAMLDocument.compose(text, file: file)
        let child = DecodingContext(
            document: document, file: file, baseDirectory: ConfigPaths.directory(of: file), options: context.options)
        if let root = document.root {
            decodeFile(ConfigNode(node: root, keyPath: "", context: child), collector: collector, stack: stack + [key])
        } else if document.problems.isEmpty {
            child.report(at: "", location: Location(line: 1, column: 1), "the rules file is empty; expected `items:` with a list of rules")
        }
        context.record(child.problems)
    }

    /// `written` taken relative to the folder of `file`, keeping the spelling the operator used for
    /// `file` (relative stays relative), so that problems name it the way it was named.
    static func sibling(_ written: String, of file: String) -> String {
        if written.hasPrefix("/") { return ConfigPaths.resolve(written, against: "/") }
        guard let slash = file.lastIndex(of: "/") else { return ConfigPaths.resolve(written, against: ".") }
        let folder = String(file[..<slash])
        return ConfigPaths.resolve(written, against: folder.isEmpty ? "/" : folder)
    }

    /// The absolute path of a file, to recognise one file named two ways.
    static func absolute(_ file: String) -> String {
        ConfigPaths.resolve(file, against: FileAccess.currentDirectory())
    }
}
