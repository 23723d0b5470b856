import GatewayCore

/// `storage:` → ``StorageSettings``.
enum StorageSection {
    static let keys = ["synchronous", "sync_interval"]

    static func decode(_ node: ConfigNode) -> StorageSettings {
        var settings = StorageSettings()
        guard let section = node.mapping(expecting: "a mapping such as `storage: { synchronous: normal }`") else {
            return settings
        }
        section.rejectUnknownKeys(keys)
        if let mode = section.optional("synchronous")?.oneOf(SynchronousMode.self) { settings.synchronous = mode }
        // Below 100 ms the syncs themselves would cost throughput; above an hour `normal` would
        // again mean "minutes of a slow feed", which is what the setting exists to bound.
        if let interval = section.optional("sync_interval")?.duration({ seconds in
            seconds >= 0.1 && seconds <= 3600 ? nil : "must be between 100ms and 1h"
        }) {
            settings.syncIntervalSeconds = interval
        }
        return settings
    }
}

/// `ingest:` → ``IngestSettings``.
enum IngestSection {
    static let keys = ["max_payload_bytes", "quarantine_payload_bytes", "quarantine_retention", "quarantine_max_records"]
    /// The largest payload an MQTT packet can carry is just under 256 MiB.
    static let largestPayload = 256 * 1024 * 1024

    static func decode(_ node: ConfigNode) -> IngestSettings {
        var settings = IngestSettings()
        guard let section = node.mapping(expecting: "a mapping such as `ingest: { max_payload_bytes: 256KiB }`") else {
            return settings
        }
        section.rejectUnknownKeys(keys)
        let maximum = section.optional("max_payload_bytes")?.byteSize { bytes in
            if bytes == 0 { return "must be more than 0 bytes" }
            if bytes > largestPayload { return "must be at most 256MiB (no MQTT message is larger)" }
            return nil
        }
        if let maximum { settings.maxPayloadBytes = maximum }
        let limitIsKnown = maximum != nil || !section.has("max_payload_bytes")
        let limitText = maximum == nil ? "the default 256KiB" : "max_payload_bytes"
        if let kept = section.optional("quarantine_payload_bytes")?.byteSize({ bytes in
            guard limitIsKnown, bytes > settings.maxPayloadBytes else { return nil }
            return "must not exceed \(limitText) (\(settings.maxPayloadBytes) bytes)"
        }) {
            settings.quarantinePayloadBytes = kept
        } else if !section.has("quarantine_payload_bytes") {
            settings.quarantinePayloadBytes = min(settings.quarantinePayloadBytes, settings.maxPayloadBytes)
        }
        if let retention = section.optional("quarantine_retention")?.duration({ $0 >= 3600 ? nil : "must be at least 1h" }) {
            settings.quarantineRetentionSeconds = retention
        }
        if let node = section.optional("quarantine_max_records"), let count = node.integer(expecting: "a number of records such as 100000") {
            if count < 100 || count > 100_000_000 {
                node.report("expected a number of records from 100 to 100000000; got \(count)")
            } else {
                settings.quarantineMaxRecords = count
            }
        }
        return settings
    }
}
