import GatewayCore

/// `notify:` → ``NotifySettings``.
enum NotifySection {
    static let keys = ["webhooks"]

    static func decode(_ node: ConfigNode) -> NotifySettings {
        guard let section = node.mapping(expecting: "a mapping such as `notify: { webhooks: [...] }`") else {
            return NotifySettings()
        }
        section.rejectUnknownKeys(keys)
        guard let items = section.optional("webhooks")?.list(expecting: "a list of webhooks, each with name, url, events and secret_file")
        else { return NotifySettings() }
        var webhooks: [WebhookSettings] = []
        var seen: [String: Int] = [:]
        for (index, item) in items.enumerated() {
            guard let webhook = WebhookSection.decode(item) else { continue }
            if let first = seen[webhook.name] {
                item.context.report(
                    at: ConfigSourceMap.child(item.keyPath, "name"),
                    "the webhook name '\(webhook.name)' is also the name of webhooks[\(first)]; names must be unique "
                        + "(each keys its own delivery cursor in the store)")
                continue
            }
            seen[webhook.name] = index
            webhooks.append(webhook)
        }
        return NotifySettings(webhooks: webhooks)
    }
}

/// One item of `notify.webhooks` → ``WebhookSettings``.
enum WebhookSection {
    static let keys = [
        "name", "url", "events", "secret_file", "secret_credential", "timeout", "retry", "allow_plain_http",
    ]

    static func decode(_ node: ConfigNode) -> WebhookSettings? {
        guard let section = node.mapping(expecting: "a mapping with the keys name, url, events and secret_file") else {
            return nil
        }
        section.rejectUnknownKeys(keys, explanations: [
            "secret": "the webhook secret is never written in the configuration; put it in a file (secret_file) or a "
                + "systemd credential (secret_credential)",
        ])
        let name = section.required("name", "a name such as ops-pager (it keys the webhook's delivery cursor)")?
            .name(expecting: "a name of lowercase letters, digits, '-' and '_'") { scalar in
                ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) || scalar == "-" || scalar == "_"
            }
        var allowPlainHTTP = false
        if let node = section.optional("allow_plain_http"),
            let allowed = node.boolean(expecting: "true or false")
        {
            allowPlainHTTP = allowed
        }
        let url = section.required("url", "the receiver's URL, such as https://hooks.example.net/gateway")
            .flatMap { parseURL($0, allowPlainHTTP: allowPlainHTTP) }
        let events = section.required(
            "events", "a list of event names such as [alert.active, alert.cleared, ticket.overdue]"
        ).flatMap(eventFilter)
        let hasSecret = section.has("secret_file") || section.has("secret_credential")
        let secretFile = section.secretFile(
            fileKey: "secret_file", credentialKey: "secret_credential",
            expecting: "the path of a file that holds the webhook's HMAC key")
        if !hasSecret {
            node.report(
                "missing required key 'secret_file' (or 'secret_credential') in '\(node.keyPath)': every POST is signed "
                    + "with HMAC-SHA256, and the receiver checks it with the same secret")
        }
        let timeout = section.optional("timeout")?.duration { $0 >= 0.1 && $0 <= 300 ? nil : "must be between 100ms and 5m" }
        let retry = section.optional("retry").map(ReconnectSection.decode) ?? ReconnectBackoff()
        guard let name, let url, let events, hasSecret else { return nil }
        return WebhookSettings(
            name: name, url: url, events: events, secretFile: secretFile, timeoutSeconds: timeout ?? 10, retry: retry)
    }

    /// `https://host[:port][/path][?query]`, or `http://` to a loopback host (anything else only
    /// with `allow_plain_http: true`). No user or password in the URL, no fragment.
    static func parseURL(_ node: ConfigNode, allowPlainHTTP: Bool) -> WebhookURL? {
        guard let text = node.string(expecting: "an https:// URL") else { return nil }
        let usesTLS: Bool
        let rest: Substring
        if text.hasPrefix("https://") {
            usesTLS = true
            rest = text.dropFirst("https://".count)
        } else if text.hasPrefix("http://") {
            usesTLS = false
            rest = text.dropFirst("http://".count)
        } else {
            node.report("expected an https:// URL (or http:// to a loopback address); got \(Phrase.quoted(text))")
            return nil
        }
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        if text.contains("#") {
            node.report("a webhook URL has no fragment ('#…'); got \(Phrase.quoted(text))")
            return nil
        }
        if authority.contains("@") {
            node.report("a webhook URL must not hold a user or password (the configuration is no place for secrets); "
                + "the receiver checks the HMAC signature instead")
            return nil
        }
        if text.contains(where: { $0 == " " || $0.isNewline }) {
            node.report("expected a URL without spaces; got \(Phrase.quoted(text))")
            return nil
        }
        var host = String(authority)
        var port = usesTLS ? 443 : 80
        if authority.hasPrefix("[") {
            // IPv6 literal: [addr] or [addr]:port
            guard let close = authority.firstIndex(of: "]") else {
                node.report("expected a host; got \(Phrase.quoted(text))")
                return nil
            }
            host = String(authority[...close])
            let after = authority[authority.index(after: close)...]
            if after.hasPrefix(":") {
                guard let value = Int(after.dropFirst()), (1...65_535).contains(value) else {
                    node.report("expected a port from 1 to 65535; got \(Phrase.quoted(text))")
                    return nil
                }
                port = value
            }
        } else if let colon = authority.lastIndex(of: ":") {
            host = String(authority[..<colon])
            guard let value = Int(authority[authority.index(after: colon)...]), (1...65_535).contains(value) else {
                node.report("expected a port from 1 to 65535; got \(Phrase.quoted(text))")
                return nil
            }
            port = value
        }
        guard !host.isEmpty else {
            node.report("expected a URL with a host, such as https://hooks.example.net/gateway; got \(Phrase.quoted(text))")
            return nil
        }
        if !usesTLS && !allowPlainHTTP && !WebhookURL.isLoopback(host: host) {
            node.report(
                "plain http:// to \(host) would send alerts in clear text; use https://, or set "
                    + "'allow_plain_http: true' on this webhook if the network path is trusted")
            return nil
        }
        return WebhookURL(text: text, usesTLS: usesTLS, host: host, port: port)
    }

    /// Event names, `alert.*` and `ticket.*`; an unknown name is a problem with a suggestion.
    static func eventFilter(_ node: ConfigNode) -> EventNameFilter? {
        guard let items = node.list(expecting: "a list of event names such as [alert.active, ticket.overdue]") else {
            return nil
        }
        if items.isEmpty {
            node.report("expected at least one event name (or alert.* / ticket.*); an empty list would send nothing")
            return nil
        }
        var filter = EventNameFilter()
        var valid = true
        for item in items {
            guard let name = item.string(expecting: "an event name such as alert.active") else {
                valid = false
                continue
            }
            if name == "alert.*" || name == "ticket.*" {
                filter.prefixes.insert(String(name.dropLast()))
            } else if EventNames.all.contains(name) {
                filter.names.insert(name)
            } else {
                item.report(
                    "unknown event name \(Phrase.quoted(name))\(Phrase.didYouMean(name, among: EventNames.all + ["alert.*", "ticket.*"])); "
                        + "expected alert.<kind> or ticket.<kind> (README, Notifications), alert.* or ticket.*")
                valid = false
            }
        }
        return valid ? filter : nil
    }
}
