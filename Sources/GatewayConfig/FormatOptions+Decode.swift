import GatewayCore
import Yams

/// The format sub-maps of a route (`json:`, `xml:`, `csv:`, `senml:`, `influx:`) → `OptionValue`
/// trees for the adapters, which know their own keys and validate them (their problems come back
/// with key paths such as `routes[0].csv.delimiter`, which the source map locates).
enum FormatOptionsSection {
    /// Every format that may have a sub-map on a route.
    static let formatKeys = ["json", "xml", "csv", "senml", "influx"]

    /// Reads the sub-maps of `route`; a sub-map for another format than the route's is a problem
    /// (except with `auto`, which hands each sniffed format its own).
    static func decode(_ route: ConfigMapping, format: String) -> [String: OptionValue] {
        var options: [String: OptionValue] = [:]
        for key in formatKeys {
            guard let node = route.optional(key) else { continue }
            if format != key && format != "auto" {
                node.report("\(key) options are given, but this route's format is \(format); move them under '\(format):' or set format: \(key)")
                continue
            }
            options[key] = value(of: node.node)
        }
        return options
    }

    /// A YAML node as plain text, lists and mappings.
    static func value(of node: Node) -> OptionValue {
        switch node {
        case .scalar(let scalar):
            return .scalar(scalar.string)
        case .sequence(let sequence):
            return .list(sequence.map(value(of:)))
        case .mapping(let mapping):
            return .map(mapping.map { key, value in OptionEntry(key: key.string ?? "\(key)", value: self.value(of: value)) })
        case .alias(let alias):
            return .scalar(alias.anchor.rawValue)
        }
    }
}
