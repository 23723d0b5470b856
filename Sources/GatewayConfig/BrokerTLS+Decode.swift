import GatewayCore

/// `broker.tls:` → ``TLSFiles``.
enum TLSSection {
    static let keys = ["ca_file", "cert_file", "key_file"]

    static func decode(_ node: ConfigNode, url: BrokerURL?) -> TLSFiles? {
        if let url, !url.usesTLS {
            node.report("'tls' is only used with an mqtts:// broker URL; the URL is \(url)")
        }
        guard let section = node.mapping(expecting: "a mapping such as `tls: { ca_file: /etc/ssl/certs/ca.pem }`") else {
            return nil
        }
        section.rejectUnknownKeys(keys)
        let caFile = section.required("ca_file", "the CA certificate file (PEM) that signed the broker's certificate")?
            .readableFile(expecting: "the path of a CA certificate file (PEM)")
        let certFile = section.optional("cert_file")?.readableFile(expecting: "the path of a client certificate file (PEM)")
        let keyFile = section.optional("key_file")?.readableFile(expecting: "the path of a client private key file (PEM)")
        if let node = section.optional("cert_file"), !section.has("key_file") {
            node.report("'cert_file' needs 'key_file': a client certificate is used together with its private key")
        }
        if let node = section.optional("key_file"), !section.has("cert_file") {
            node.report("'key_file' needs 'cert_file': a client private key is used together with its certificate")
        }
        guard let caFile else { return nil }
        return TLSFiles(caFile: caFile, certFile: certFile, keyFile: keyFile)
    }
}

/// `broker.reconnect:` → ``ReconnectBackoff``.
enum ReconnectSection {
    static let keys = ["initial", "max"]

    static func decode(_ node: ConfigNode) -> ReconnectBackoff {
        var backoff = ReconnectBackoff()
        guard let section = node.mapping(expecting: "a mapping such as `reconnect: { initial: 1s, max: 60s }`") else {
            return backoff
        }
        section.rejectUnknownKeys(keys)
        let initial = section.optional("initial")?.duration { $0 > 0 ? nil : "must be more than 0s" }
        if let initial { backoff.initialSeconds = initial }
        let initialKnown = initial != nil || !section.has("initial")
        let initialText = section.has("initial") ? "'initial'" : "the default initial 1s"
        if let maximum = section.optional("max")?.duration({ seconds in
            guard initialKnown, seconds < backoff.initialSeconds else { return nil }
            return "must be at least \(initialText)"
        }) {
            backoff.maxSeconds = maximum
        } else if !section.has("max"), let initial, initial > backoff.maxSeconds {
            section.optional("initial")?.report("must be at most the default max 60s, or set max as well")
        }
        return backoff
    }
}
