/// MQTT topic filters: validation, matching (`+` one level, `#` the rest) and shared subscriptions.
public enum TopicFilter {
    /// Removes a `$share/<group>/` prefix: the broker delivers such messages with their real topic.
    public static func stripSharePrefix(_ filter: String) -> String {
        guard filter.hasPrefix("$share/") else { return filter }
        let afterShare = filter.dropFirst("$share/".count)
        guard let slash = afterShare.firstIndex(of: "/") else { return filter }
        return String(afterShare[afterShare.index(after: slash)...])
    }

    /// Says what is wrong with a subscription filter, or `nil` when it is valid (MQTT 3.1.1 §4.7).
    public static func problem(in filter: String) -> String? {
        if filter.isEmpty { return "the topic filter is empty" }
        if filter.hasPrefix("$share/") {
            let afterShare = filter.dropFirst("$share/".count)
            guard let slash = afterShare.firstIndex(of: "/") else {
                return "a shared subscription is written $share/<group>/<filter>"
            }
            let group = afterShare[..<slash]
            if group.isEmpty || group.contains("+") || group.contains("#") {
                return "the share group name must be non-empty and without + or #"
            }
        }
        let levels = stripSharePrefix(filter).split(separator: "/", omittingEmptySubsequences: false)
        for (index, level) in levels.enumerated() {
            if level.contains("#") && (level != "#" || index != levels.count - 1) {
                return "'#' must be a whole level and the last one"
            }
            if level.contains("+") && level != "+" {
                return "'+' must be a whole level"
            }
        }
        if filter.utf8.contains(0) { return "the topic filter contains a NUL character" }
        return nil
    }

    /// Whether a concrete topic matches a filter (without `$share` prefix). Topics starting with `$`
    /// do not match filters starting with a wildcard, as in MQTT.
    /// Compiles the filter each call: for one-off checks. The ingest path keeps a
    /// `CompiledTopicFilter` per route instead.
    public static func matches(filter: String, topic: String) -> Bool {
        CompiledTopicFilter(filter).matches(topic)
    }

    /// Splits a topic into its levels.
    ///
    /// Splits on the UTF-8 bytes: `/` is never part of a multi-byte character, and a split by
    /// `Character` (grapheme clusters) cost 7 % of a JSON decode, once per message.
    public static func levels(of topic: String) -> [Substring] {
        let utf8 = topic.utf8
        var levels: [Substring] = []
        var start = utf8.startIndex
        var index = start
        while index != utf8.endIndex {
            if utf8[index] == UInt8(ascii: "/") {
                levels.append(topic[start..<index])
                start = utf8.index(after: index)
            }
            index = utf8.index(after: index)
        }
        levels.append(topic[start..<utf8.endIndex])
        return levels
    }
}

/// A topic filter split into levels once, so that matching a message's topic — done for every
/// message, against every route until one matches — allocates nothing.
public struct CompiledTopicFilter: Sendable, Hashable {
    enum Level: Sendable, Hashable {
        case exact([UInt8])
        case plus
        case hash
    }

    let levels: [Level]
    let startsWithWildcard: Bool

    /// Compiles a filter without `$share/<group>/` prefix.
    public init(_ filter: String) {
        levels = filter.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false).map { level in
            if level.elementsEqual("+".utf8) { return .plus }
            if level.elementsEqual("#".utf8) { return .hash }
            return .exact(Array(level))
        }
        startsWithWildcard = filter.hasPrefix("+") || filter.hasPrefix("#")
    }

    /// Whether `topic` matches; no allocation.
    public func matches(_ topic: String) -> Bool {
        var topic = topic
        return topic.withUTF8 { bytes in matches(bytes) }
    }

    func matches(_ topic: UnsafeBufferPointer<UInt8>) -> Bool {
        if startsWithWildcard, topic.first == UInt8(ascii: "$") { return false }
        var start = 0
        var levelIndex = 0
        while true {
            // The topic level [start, end).
            var end = start
            while end < topic.count, topic[end] != UInt8(ascii: "/") { end += 1 }
            guard levelIndex < levels.count else { return false }
            switch levels[levelIndex] {
            case .hash:
                return true
            case .plus:
                break
            case .exact(let bytes):
                guard bytes.count == end - start else { return false }
                for offset in 0..<bytes.count where bytes[offset] != topic[start + offset] { return false }
            }
            levelIndex += 1
            if end >= topic.count {
                // The topic has no more levels: a trailing `#` also matches its parent level.
                if levelIndex == levels.count { return true }
                return levelIndex == levels.count - 1 && levels[levelIndex] == .hash
            }
            start = end + 1
        }
    }
}
