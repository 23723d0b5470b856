import GatewayCore

/// What a route reads each column for, so that a column a message lacks (its header has no such
/// name, its rows are too narrow for `#N`) is reported once for the message, not once per row:
/// a missing identity, timestamp or unit column fails the whole message, a missing metric column
/// fails that metric only and the others are stored.
struct CSVColumnUses: Sendable {
    /// A column read by something other than a metric's value: a template, the timestamp, a unit.
    struct Required: Sendable {
        var use: String
        var path: String
        var slot = -1
    }

    /// The columns of the route's metric values, with the metrics that read each.
    struct Metric: Sendable {
        var names: [String]
        var path: String
        var slot = -1
    }

    /// Paths read only as numbers (metric values, an epoch timestamp), whose cells can be parsed
    /// straight as numbers: the same result as parsing their text later, without building it.
    let numericSources: Set<String>
    private(set) var required: [Required] = []
    private(set) var metrics: [Metric] = []

    init(route: RouteConfiguration) {
        for (field, template) in [("utility", route.utility), ("site", route.site), ("device", route.device)] {
            for case .payloadPath(let path) in template.parts { required.append(Required(use: field, path: path)) }
        }
        if let timestamp = route.timestamp { required.append(Required(use: "timestamp", path: timestamp.path)) }
        for mapping in route.metrics {
            if let unitPath = mapping.unitPath {
                required.append(Required(use: "the unit of metric '\(mapping.name)'", path: unitPath))
            }
            if let index = metrics.firstIndex(where: { $0.path == mapping.path }) {
                metrics[index].names.append(mapping.name)
            } else {
                metrics.append(Metric(names: [mapping.name], path: mapping.path))
            }
        }
        var numberPaths = Set(metrics.map(\.path))
        var textPaths = Set(required.map(\.path))
        if let timestamp = route.timestamp, timestamp.format == .epochMillis || timestamp.format == .epochSeconds {
            numberPaths.insert(timestamp.path)
            textPaths = Set(required.filter { $0.use != "timestamp" }.map(\.path))
        }
        numericSources = numberPaths.subtracting(textPaths)
    }

    /// The same uses with the slots the catalog gave their paths (after every path has parsed).
    func resolved(with catalog: CSVColumnCatalog) -> CSVColumnUses {
        var copy = self
        for index in copy.required.indices { copy.required[index].slot = catalog.slot(of: copy.required[index].path) ?? -1 }
        for index in copy.metrics.indices { copy.metrics[index].slot = catalog.slot(of: copy.metrics[index].path) ?? -1 }
        return copy
    }

    /// The failures of columns this message lacks: one failure of the whole message when a
    /// required column or every metric column is missing, else one per missing metric column.
    func check(_ layout: CSVLayout) -> Result<[DecodeFailure], DecodeFailure> {
        func present(_ slot: Int) -> Bool { slot >= 0 && layout.columns.cells[slot] != nil }
        func shown(_ path: String) -> String { path.hasPrefix("#") ? "column \(path)" : "column '\(path)'" }
        let lacking = required.filter { !present($0.slot) }
        if !lacking.isEmpty {
            let list = lacking.map { "\(shown($0.path)) (read by \($0.use))" }.joined(separator: ", ")
            return .failure(DecodeFailure(.missingField,
                "the message has no \(list); \(layout.columnsDescription); none of its rows was read"))
        }
        let absent = metrics.filter { !present($0.slot) }
        if !absent.isEmpty && absent.count == metrics.count {
            return .failure(DecodeFailure(.missingField,
                "the message has none of the metric columns (\(metrics.map(\.path).joined(separator: ", "))); \(layout.columnsDescription)"))
        }
        return .success(absent.map { metric in
            let names = metric.names.map { "'\($0)'" }.joined(separator: ", ")
            return DecodeFailure(.missingField,
                "the message has no \(shown(metric.path)) for metric \(names), so no row has a reading of it; \(layout.columnsDescription); the other metrics are stored")
        })
    }
}
