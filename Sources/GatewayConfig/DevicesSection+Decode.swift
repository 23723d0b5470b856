import GatewayCore

/// `devices:` → ``DeviceRegistry``: a list of `{ device, site, utility, attributes }` entries, the
/// device and site as globs. Entries apply in order; a later entry overrides an earlier one's value
/// of the same attribute.
enum DevicesSection {
    static let keys = ["device", "site", "utility", "attributes"]
    static let globExpectation = "a name or a glob such as \"wm-*\" (* any run of characters, ? one)"

    static func decode(_ node: ConfigNode) -> DeviceRegistry {
        guard let items = node.list(expecting: "a list of device entries such as `- { device: \"wm-*\", attributes: { point: tap } }`") else {
            return DeviceRegistry()
        }
        var entries: [DeviceRegistry.Entry] = []
        for item in items {
            guard let section = item.mapping(expecting: "a device entry: a mapping with device and attributes") else { continue }
            section.rejectUnknownKeys(keys)
            let device = section.required("device", "the device id or a glob such as \"wm-*\"")?.string(expecting: globExpectation)
            let siteNode = section.optional("site")
            let site = siteNode?.string(expecting: globExpectation)
            let utilityNode = section.optional("utility")
            let utility = utilityNode?.oneOf(Utility.self)
            let attributesNode = section.required("attributes", "the device's attributes, such as `{ nominal_voltage: 220, expected_interval: 15m }`")
            let attributes = attributesNode.flatMap(AttributesSection.decode)
            if let attributesNode, let attributes, attributes.isEmpty {
                attributesNode.report("an entry without attributes does nothing; give at least one, such as `{ expected_interval: 15m }`")
                continue
            }
            guard let device, let attributes, siteNode == nil || site != nil, utilityNode == nil || utility != nil else { continue }
            entries.append(DeviceRegistry.Entry(
                device: Glob(device), site: site.map(Glob.init) ?? .any, utility: utility, attributes: attributes))
        }
        return DeviceRegistry(entries: entries)
    }
}
