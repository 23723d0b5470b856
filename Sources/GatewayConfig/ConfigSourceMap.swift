/// Where each key path of a loaded configuration was written, so that validation done after loading
/// (the adapter layer checking a route's format options, the daemon finding a state directory it
/// cannot create) still reports `FILE:LINE:COLUMN: KEYPATH: MESSAGE` like the loader does.
///
/// Key paths join mapping keys with `.` and write list items as `[index]` counted from 0:
/// `broker.tls.ca_file`, `routes[1].metrics[0].unit`. The root is the empty key path. A scalar is
/// located at its value; a mapping or a list reached through a key at that key; a list item at the
/// item.
public struct ConfigSourceMap: Sendable, Hashable {
    /// A position in a YAML file: 1-based line and column (columns count Unicode scalars, as libyaml does).
    public struct Location: Sendable, Hashable, CustomStringConvertible {
        public var line: Int
        public var column: Int

        public init(line: Int, column: Int) {
            self.line = line
            self.column = column
        }

        /// Line 0, column 0: the file as a whole.
        public static let wholeFile = Location(line: 0, column: 0)

        public var description: String { "\(line):\(column)" }
    }

    /// The configuration file as it was named to the loader.
    public let file: String
    /// Every key path present in the file and where it was written.
    public let locations: [String: Location]

    public init(file: String, locations: [String: Location] = [:]) {
        self.file = file
        self.locations = locations
    }

    /// Where `keyPath` was written, or `nil` when the file does not contain it.
    public func location(of keyPath: String) -> Location? {
        locations[keyPath]
    }

    /// Where `keyPath` was written or, for a key that is absent (a missing required key, a default
    /// that turned out wrong), where its closest present ancestor was written; line 0 when not even
    /// the root is known.
    public func nearestLocation(of keyPath: String) -> Location {
        var path = keyPath
        while true {
            if let location = locations[path] { return location }
            guard let parent = Self.parent(of: path) else { return .wholeFile }
            path = parent
        }
    }

    /// A problem at `keyPath`, located where that key (or its closest present ancestor) was written.
    public func problem(at keyPath: String, _ message: String) -> ConfigurationProblem {
        let location = nearestLocation(of: keyPath)
        return ConfigurationProblem(
            file: file, line: location.line, column: location.column, keyPath: keyPath, message: message
        )
    }

    /// `routes[1].metrics` → `routes[1]` → `routes` → `` (the root) → `nil`.
    static func parent(of keyPath: String) -> String? {
        if keyPath.isEmpty { return nil }
        if keyPath.hasSuffix("]"), let open = keyPath.lastIndex(of: "[") {
            return String(keyPath[..<open])
        }
        if let dot = keyPath.lastIndex(of: ".") {
            return String(keyPath[..<dot])
        }
        return ""
    }

    /// The key path of `key` inside the mapping at `parent`.
    static func child(_ parent: String, _ key: String) -> String {
        parent.isEmpty ? key : "\(parent).\(key)"
    }

    /// The key path of item `index` of the list at `parent`.
    static func item(_ parent: String, _ index: Int) -> String {
        "\(parent)[\(index)]"
    }
}

/// Shorthand inside this module.
typealias Location = ConfigSourceMap.Location
