/// Device attributes by id glob (`devices:` in the configuration) and by route (a route's own
/// `attributes:`): what tells a 220 V meter from a 380 V one, a plant-outlet analyser from a tap
/// one, natural gas from LPG (DESIGN §4).
///
/// Precedence, lowest first: the attributes of the route that took the reading's message, then the
/// `devices:` entries in order (a later entry overrides an earlier one's value of the same key).
/// Routes go first because they are the coarser statement ("everything on this feed is a tap
/// analyser"), entries name devices.
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

    /// One route's topic filter and attributes.
    public struct RouteAttributes: Sendable, Hashable {
        /// The filter a message's topic is matched against (without a `$share/` prefix).
        public var filter: String
        public var attributes: [String: String]

        public init(filter: String, attributes: [String: String]) {
            self.filter = filter
            self.attributes = attributes
        }
    }

    public var entries: [Entry]
    /// Every route in configuration order — those without attributes too, because the route that
    /// took a message is the FIRST whose filter matches its topic, as in the decoder.
    public var routes: [RouteAttributes]

    public init(entries: [Entry] = [], routes: [RouteAttributes] = []) {
        self.entries = entries
        self.routes = routes
    }

    /// The attributes of one device, seen on `topic`: its route's, then every matching entry's.
    public func attributes(utility: Utility, site: String, device: String, topic: String? = nil) -> [String: String] {
        var merged: [String: String] = [:]
        if let topic, let route = routes.first(where: { TopicFilter.matches(filter: $0.filter, topic: topic) }) {
            merged = route.attributes
        }
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
