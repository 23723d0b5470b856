import GatewayCore

/// `buffer:` → ``BufferSettings``.
enum BufferSection {
    static let keys = ["max_bytes", "retention", "when_full"]
    /// An empty store takes about 128 KiB; below 1 MiB the policy would drop nearly everything.
    static let smallestStore = 1024 * 1024

    static func decode(_ node: ConfigNode) -> BufferSettings {
        var settings = BufferSettings()
        guard let section = node.mapping(expecting: "a mapping such as `buffer: { max_bytes: 2GiB, retention: 30d }`") else {
            return settings
        }
        section.rejectUnknownKeys(keys)
        if let bytes = section.optional("max_bytes")?.byteSize({ $0 >= smallestStore ? nil : "must be at least 1MiB" }) {
            settings.maxBytes = Int64(bytes)
        }
        if let retention = section.optional("retention")?.duration({ $0 >= 3600 ? nil : "must be at least 1h" }) {
            settings.retentionSeconds = retention
        }
        if let node = section.optional("when_full"), let mode = node.oneOf(BufferSettings.WhenFull.self) {
            settings.whenFull = mode
        }
        return settings
    }
}
