/// Device attributes by id glob (`devices:` in the configuration): what tells a 220 V meter from a
/// 380 V one, a plant-outlet analyser from a tap one, natural gas from LPG (DESIGN §4). Entries
/// apply in order; a later entry's attribute overrides an earlier one's for the same key.
public struct DeviceRegistry: Sendable, Hashable {
    public struct Entry: Sendable, Hashable {
        /// Globs on the device id and (optionally) the site and utility.
        public var device: Glob
        public var site: Glob
        public var utility: Utility?
        public var attributes: [String: String]

        public init(device: Glob, site: Glob = .any, utility: Utility? = nil, attributes: [String: String]) {
            self.device = device
            self.site = site
            self.utility = utility
            self.attributes = attributes
        }
    }

    public var entries: [Entry]

    public init(entries: [Entry] = []) {
        self.entries = entries
    }

    /// The attributes of one device, merged over every matching entry in order.
    public func attributes(utility: Utility, site: String, device: String) -> [String: String] {
        var merged: [String: String] = [:]
        for entry in entries
        where (entry.utility == nil || entry.utility == utility) && entry.site.matches(site) && entry.device.matches(device) {
            merged.merge(entry.attributes) { _, new in new }
        }
        return merged
    }
}

/// Attribute names the gateway itself reads (others are free-form, for rule matches).
public enum DeviceAttribute {
    /// A duration (`15m`): how often the device reports; `no_data` defaults to 3 × this.
    public static let expectedInterval = "expected_interval"
    /// `true`: every rule on the device is a safety rule.
    public static let safety = "safety"
}
