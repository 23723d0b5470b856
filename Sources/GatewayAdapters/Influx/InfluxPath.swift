/// A path into one line of line protocol, as routes write it:
/// - `measurement`: the measurement name (text);
/// - `tags.NAME`: a tag's value (text), for templates such as `device: "{payload.tags.device}"`;
/// - `fields.NAME` or a bare `NAME`: a field's value — the usual form of a metric's path. The
///   `fields.` prefix is only needed for a field literally called `measurement` or starting with
///   `tags.`.
///
/// Names are written unescaped (`flow rate` for the field written `flow\ rate=`). Stored as bytes,
/// because lines are matched against them without building strings.
enum InfluxPath: Sendable, Hashable, CustomStringConvertible {
    case measurement
    case tag([UInt8])
    case field([UInt8])

    static func parse(_ text: String) -> Result<InfluxPath, OptionProblem> {
        if text == "measurement" { return .success(.measurement) }
        for (prefix, make) in [("tags.", InfluxPath.tag), ("fields.", InfluxPath.field)] where text.hasPrefix(prefix) {
            let name = text.dropFirst(prefix.count)
            guard !name.isEmpty else {
                return .failure(OptionProblem("'\(text)' names no \(prefix.dropLast()); expected e.g. \(prefix)device"))
            }
            return .success(make(Array(name.utf8)))
        }
        guard !text.isEmpty else { return .failure(OptionProblem("the path is empty; expected a field name, tags.NAME or measurement")) }
        return .success(.field(Array(text.utf8)))
    }

    var isField: Bool {
        if case .field = self { return true }
        return false
    }

    var description: String {
        switch self {
        case .measurement: "measurement"
        case .tag(let name): "tags.\(String(decoding: name, as: UTF8.self))"
        case .field(let name): String(decoding: name, as: UTF8.self)
        }
    }
}
