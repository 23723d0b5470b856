import GatewayCore
import Yams

/// The top level of the file: which sections exist and the order they are decoded in (the broker
/// needs the gateway id for its default client id; routes need the protocol version). The rule engine's
/// sections (`devices`, `rules`, `calendar`, `alerting`) are optional and independent of the others.
enum ConfigurationDecoder {
    static let keys = ["version", "gateway", "broker", "storage", "ingest", "api", "routes", "devices", "rules", "calendar", "alerting", "uplink", "buffer", "notify"]
    static let schemaVersion = 1

    static func decode(_ root: Node?, context: DecodingContext) -> GatewayConfiguration? {
        guard let root else {
            if context.problems.isEmpty {
                context.report(at: "", location: Location(line: 1, column: 1),
                               "the configuration is empty; expected the sections gateway, broker and routes")
            }
            return nil
        }
        let top = ConfigNode(node: root, keyPath: "", context: context)
        guard let sections = top.mapping(expecting: "a mapping with the sections gateway, broker and routes") else {
            return nil
        }
        sections.rejectUnknownKeys(keys)
        if let version = sections.optional("version"),
            let number = version.integer(expecting: "the schema version \(schemaVersion)"),
            number != schemaVersion
        {
            version.report("this gateway reads schema version \(schemaVersion); got \(number)")
        }
        let gateway = sections.required("gateway", "the gateway's identity, such as `gateway: { id: site-01 }`")
            .flatMap(GatewaySection.decode)
        let broker = sections.required("broker", "the MQTT broker, such as `broker: { url: mqtt://127.0.0.1:1883 }`")
            .map { BrokerSection.decode($0, gatewayID: gateway?.id) }
        let storage = sections.optional("storage").map(StorageSection.decode) ?? StorageSettings()
        let ingest = sections.optional("ingest").map(IngestSection.decode) ?? IngestSettings()
        let api = sections.optional("api").map(APISection.decode) ?? APISettings()
        let uplink = sections.optional("uplink").flatMap { UplinkSection.decode($0, gatewayID: gateway?.id) }
        let buffer = sections.optional("buffer").map(BufferSection.decode) ?? BufferSettings()
        let notify = sections.optional("notify").map(NotifySection.decode) ?? NotifySettings()
        let routes = sections.required("routes", "a list of routes (topic filter → readings)")
            .flatMap { RouteSection.decodeAll($0, protocolVersion: broker?.protocolVersion) }
        var devices = sections.optional("devices").map(DevicesSection.decode) ?? DeviceRegistry()
        if let routes, routes.contains(where: { !$0.attributes.isEmpty }) {
            devices.routes = routes.map { .init(filter: $0.matchFilter, attributes: $0.attributes) }
        }
        let rules = RulesConfiguration(
            devices: devices,
            rules: sections.optional("rules").map(RulesSection.decode) ?? [],
            calendar: sections.optional("calendar").map(CalendarSection.decode) ?? WorkCalendar(),
            alerting: sections.optional("alerting").map(AlertingSection.decode) ?? AlertingSettings()
        )
        if let uplink, let brokerSettings = broker?.settings, uplink.url == brokerSettings.url,
            uplink.clientID == brokerSettings.clientID
        {
            // A broker keeps one connection per client id: the two clients would take turns kicking
            // each other off.
            context.report(
                at: "uplink.client_id",
                "the uplink's client id '\(uplink.clientID)' is also broker.client_id on the same broker "
                    + "\(uplink.url); give the uplink a client id of its own")
        }
        guard let gateway, let brokerSettings = broker?.settings, let routes else { return nil }
        return GatewayConfiguration(
            gateway: gateway, broker: brokerSettings, storage: storage, ingest: ingest, api: api, rules: rules,
            routes: routes, uplink: uplink, buffer: buffer, notify: notify
        )
    }
}
