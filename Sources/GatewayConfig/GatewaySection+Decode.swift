import GatewayCore

/// `gateway:` → ``GatewaySettings``.
enum GatewaySection {
    static let keys = ["id", "status_topic", "state_dir", "log_level"]

    static func decode(_ node: ConfigNode) -> GatewaySettings? {
        guard let section = node.mapping(expecting: "a mapping with the key id") else { return nil }
        section.rejectUnknownKeys(keys)
        let id = section.required("id", "lowercase letters, digits and '-', such as site-01")?.name(
            expecting: "an id of lowercase letters, digits and '-', such as site-01",
            allowed: { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
        )
        let statusTopic = section.optional("status_topic").flatMap(topicName)
        let stateDirectory = section.optional("state_dir").flatMap { $0.path(expecting: "a directory path") }
        var logLevel = LogLevel.info
        if let value = section.optional("log_level")?.oneOf(LogLevel.self) { logLevel = value }
        guard let id else { return nil }
        return GatewaySettings(
            id: id, statusTopic: statusTopic, stateDirectory: stateDirectory ?? "/var/lib/utility-gateway",
            logLevel: logLevel
        )
    }

    /// A topic to publish to: no wildcards, not a reserved `$` topic.
    static func topicName(_ node: ConfigNode) -> String? {
        guard let topic = node.string(expecting: "an MQTT topic such as utility-gateway/site-01/status") else {
            return nil
        }
        if topic.contains("+") || topic.contains("#") {
            node.report("a topic to publish to cannot contain the wildcards '+' or '#'; got \(Phrase.quoted(topic))")
            return nil
        }
        if topic.hasPrefix("$") {
            node.report("topics that start with '$' are reserved for the broker; got \(Phrase.quoted(topic))")
            return nil
        }
        if topic.utf8.contains(0) || topic.utf8.count > 65_535 {
            node.report("a topic must be at most 65535 bytes without NUL characters")
            return nil
        }
        return topic
    }
}
