import GatewayCore

/// Reads one format's options (the route's `json:`, `xml:`, … sub-map), once at start-up,
/// collecting every problem with its key path — `csv.delimiter must be a single character; got ';;'`
/// — so that the loader's source map can point at the file and line.
final class OptionReader {
    let routeID: String
    let format: String
    private let entries: [String: OptionValue]
    private(set) var errors: [RouteConfigurationError] = []

    /// - Parameters:
    ///   - format: whose sub-map to read; the route's own format unless `auto` builds a sniffed one.
    ///   - keys: every key this format knows; any other key is an error.
    init(route: RouteConfiguration, format: String? = nil, keys: [String]) {
        routeID = route.id
        let format = format ?? route.format
        self.format = format
        var entries: [String: OptionValue] = [:]
        switch route.formatOptions[format] {
        case nil:
            break
        case .map(let list):
            for entry in list {
                if keys.contains(entry.key) {
                    entries[entry.key] = entry.value
                } else {
                    errors.append(RouteConfigurationError(
                        routeID: route.id, keyPath: "\(format).\(entry.key)",
                        message: "unknown \(format) option '\(entry.key)'; known options are \(keys.joined(separator: ", "))"))
                }
            }
        case let other?:
            errors.append(RouteConfigurationError(
                routeID: route.id, keyPath: format,
                message: "expected a mapping of \(format) options; got \(other.kindName)"))
        }
        self.entries = entries
    }

    /// Records a problem at `<format>.<key>`.
    func fail(_ key: String, _ message: String) {
        errors.append(RouteConfigurationError(routeID: routeID, keyPath: key.isEmpty ? format : "\(format).\(key)", message: message))
    }

    /// Records a problem at a key path outside the format's sub-map (`metrics[2].unit`).
    func failRoute(_ keyPath: String, _ message: String) {
        errors.append(RouteConfigurationError(routeID: routeID, keyPath: keyPath, message: message))
    }

    func has(_ key: String) -> Bool { entries[key] != nil }

    func string(_ key: String) -> String? {
        guard let value = entries[key] else { return nil }
        guard case .scalar(let text) = value else {
            fail(key, "expected a text value; got \(value.kindName)")
            return nil
        }
        return text
    }

    func bool(_ key: String, default defaultValue: Bool) -> Bool {
        guard let text = string(key) else { return defaultValue }
        switch text {
        case "true": return true
        case "false": return false
        default:
            fail(key, "expected true or false; got '\(text)'")
            return defaultValue
        }
    }

    func int(_ key: String, default defaultValue: Int, range: ClosedRange<Int>) -> Int {
        guard let text = string(key) else { return defaultValue }
        guard let value = Int(text), range.contains(value) else {
            fail(key, "expected a whole number from \(range.lowerBound) to \(range.upperBound); got '\(text)'")
            return defaultValue
        }
        return value
    }

    func double(_ key: String) -> Double? {
        guard let text = string(key) else { return nil }
        guard let value = Double(text), value.isFinite else {
            fail(key, "expected a number; got '\(text)'")
            return nil
        }
        return value
    }

    func stringList(_ key: String) -> [String]? {
        guard let value = entries[key] else { return nil }
        guard case .list(let items) = value else {
            fail(key, "expected a list such as [time, device, pressure]; got \(value.kindName)")
            return nil
        }
        var result: [String] = []
        for (index, item) in items.enumerated() {
            guard case .scalar(let text) = item else {
                fail("\(key)[\(index)]", "expected a text value; got \(item.kindName)")
                return nil
            }
            result.append(text)
        }
        return result
    }

    func stringMap(_ key: String) -> [String: String]? {
        guard let value = entries[key] else { return nil }
        guard case .map(let list) = value else {
            fail(key, "expected a mapping such as { m: \"http://example.com/ns\" }; got \(value.kindName)")
            return nil
        }
        var result: [String: String] = [:]
        for entry in list {
            guard case .scalar(let text) = entry.value else {
                fail("\(key).\(entry.key)", "expected a text value; got \(entry.value.kindName)")
                continue
            }
            result[entry.key] = text
        }
        return result
    }

    /// The collected problems, or `nil` when there were none.
    var failure: RouteConfigurationErrors? {
        errors.isEmpty ? nil : RouteConfigurationErrors(errors)
    }
}
