import GatewayCore

/// One device as the rule engine knows it: the site it reports from and its id. Out-of-service
/// periods and first-out suppression are per device; the API resolves a bare device id to its
/// site(s) from the store.
public struct DeviceKey: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    public var site: String
    public var device: String

    public init(site: String, device: String) {
        self.site = site
        self.device = device
    }

    public var description: String { "\(site)/\(device)" }

    public static func < (lhs: DeviceKey, rhs: DeviceKey) -> Bool {
        (lhs.site, lhs.device) < (rhs.site, rhs.device)
    }
}

/// Why and until when a device is out of service (maintenance, known fault).
public struct OutOfServicePeriod: Sendable, Hashable, Codable {
    /// Wall time it was set.
    public var since: EpochMillis
    /// Wall time it ends by itself; `nil` until an operator puts the device back in service.
    public var until: EpochMillis?
    public var actor: String
    public var note: String?

    public init(since: EpochMillis, until: EpochMillis?, actor: String, note: String?) {
        self.since = since
        self.until = until
        self.actor = actor
        self.note = note
    }

    enum CodingKeys: String, CodingKey {
        case since, until, actor, note
    }
}
