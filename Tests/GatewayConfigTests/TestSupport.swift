import Foundation
import GatewayConfig
import Testing

/// The file name the inline test configurations pretend to come from.
let configFile = "/etc/utility-gateway/gateway.yaml"

/// The problems `yaml` produces; empty when it loads.
func problems(in yaml: String, file: String = configFile) -> [ConfigurationProblem] {
    do {
        _ = try ConfigurationLoader.load(yaml: yaml, file: file, options: .init(formats: ["json"]))
        return []
    } catch {
        return error.problems
    }
}

/// Loads `yaml`, recording an issue with every problem when it does not load.
func load(_ yaml: String, file: String = configFile, sourceLocation: SourceLocation = #_sourceLocation) -> LoadedConfiguration? {
    do {
        return try ConfigurationLoader.load(yaml: yaml, file: file, options: .init(formats: ["json"]))
    } catch {
        Issue.record("expected the configuration to load:\n\(error)", sourceLocation: sourceLocation)
        return nil
    }
}

/// Asserts that `yaml` has exactly one problem, at `keyPath` on `line`, whose message contains every
/// fragment; returns it.
@discardableResult
func expectOnlyProblem(
    in yaml: String, file: String = configFile, at keyPath: String, line: Int, column: Int? = nil,
    containing fragments: [String], sourceLocation: SourceLocation = #_sourceLocation
) -> ConfigurationProblem? {
    let found = problems(in: yaml, file: file)
    #expect(found.count == 1, "expected one problem, got:\n\(found.map(\.description).joined(separator: "\n"))",
            sourceLocation: sourceLocation)
    guard let problem = found.first else { return nil }
    expect(problem, at: keyPath, line: line, column: column, containing: fragments, sourceLocation: sourceLocation)
    return problem
}

/// Asserts that one of `problems` is at `keyPath` on `line` and contains every fragment.
func expectProblem(
    _ problems: [ConfigurationProblem], at keyPath: String, line: Int, containing fragments: [String],
    sourceLocation: SourceLocation = #_sourceLocation
) {
    let matches = problems.contains { problem in
        problem.keyPath == keyPath && problem.line == line && fragments.allSatisfy { problem.message.contains($0) }
    }
    #expect(
        matches,
        "no problem at \(keyPath) line \(line) containing \(fragments) among:\n\(problems.map(\.description).joined(separator: "\n"))",
        sourceLocation: sourceLocation
    )
}

private func expect(
    _ problem: ConfigurationProblem, at keyPath: String, line: Int, column: Int?, containing fragments: [String],
    sourceLocation: SourceLocation
) {
    #expect(problem.keyPath == keyPath, "\(problem)", sourceLocation: sourceLocation)
    #expect(problem.line == line, "\(problem)", sourceLocation: sourceLocation)
    if let column { #expect(problem.column == column, "\(problem)", sourceLocation: sourceLocation) }
    for fragment in fragments {
        #expect(problem.message.contains(fragment), "message lacks \"\(fragment)\": \(problem)", sourceLocation: sourceLocation)
    }
}

/// A temporary directory with the files a configuration refers to; removed when released.
final class Scratch {
    let directory: String

    init() throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("gateway-config-tests-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Writes `content` to `name` inside the directory (creating subdirectories) and returns its path.
    @discardableResult
    func write(_ name: String, _ content: String) throws -> String {
        let path = directory + "/" + name
        let parent = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        try Data(content.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    func path(_ name: String) -> String { directory + "/" + name }
}

/// A valid configuration (three lines: gateway, broker, one route) followed by `sections`, which
/// therefore start on line 4.
func minimalConfig(_ sections: String) -> String {
    """
    gateway: { id: site-01 }
    broker: { url: mqtt://localhost }
    routes: [{ topic: "a/+", utility: water, site: s, device: "{topic.1}", metrics: [{ name: flow, path: f, unit: L/s }] }]
    \(sections)
    """
}

/// The repository's root folder (for the shipped configuration), found from this file's path.
func repositoryRoot(filePath: String = #filePath) -> URL {
    URL(fileURLWithPath: filePath).resolvingSymlinksInPath()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
}
