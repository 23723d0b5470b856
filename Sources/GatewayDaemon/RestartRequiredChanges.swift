import GatewayCore

/// The settings a reload cannot apply to a running gateway, by configuration key: they are fixed
/// when the store, the broker connection or the API listener is opened. A reload names every one
/// that changed in the log, so the operator knows a restart is still due; everything else (routes,
/// devices, rules, calendar, alerting) applies at once.
enum RestartRequiredChanges {
    static func between(_ old: GatewayConfiguration, _ new: GatewayConfiguration) -> [String] {
        var changed: [String] = []
        func check<T: Equatable>(_ key: String, _ value: (GatewayConfiguration) -> T) {
            if value(old) != value(new) { changed.append(key) }
        }
        check("gateway.id") { $0.gateway.id }
        check("gateway.state_dir") { $0.gateway.stateDirectory }
        check("gateway.status_topic") { $0.gateway.statusTopic }
        check("gateway.log_level") { $0.gateway.logLevel }
        check("broker.url") { $0.broker.url }
        check("broker.protocol") { $0.broker.protocolVersion }
        check("broker.client_id") { $0.broker.clientID }
        check("broker.username") { $0.broker.username }
        check("broker.password_file") { $0.broker.passwordFile }
        check("broker.tls") { $0.broker.tls }
        check("broker.keepalive") { $0.broker.keepaliveSeconds }
        check("broker.session") { $0.broker.session }
        check("broker.session_expiry") { $0.broker.sessionExpirySeconds }
        check("broker.reconnect") { $0.broker.reconnect }
        check("storage") { $0.storage }
        check("ingest") { $0.ingest }
        check("api") { $0.api }
        // The forwarder and the buffer keeper are built once, at start.
        check("uplink") { $0.uplink }
        check("buffer") { $0.buffer }
        // The webhooks' secrets and cursors are read once, at start.
        check("notify") { $0.notify }
        // Settings added later that are not listed above still get named, by section.
        for (section, differs) in [("broker", old.broker != new.broker), ("gateway", old.gateway != new.gateway)]
        where differs && !changed.contains(where: { $0.hasPrefix(section + ".") }) {
            changed.append(section)
        }
        return changed
    }
}
