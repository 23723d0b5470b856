import GatewayCore

/// `api:` → ``APISettings``.
enum APISection {
    static let keys = ["enabled", "listen", "token_file", "token_credential", "tls"]
    static let tlsKeys = ["cert_file", "key_file"]

    static func decode(_ node: ConfigNode) -> APISettings {
        var settings = APISettings()
        guard let section = node.mapping(expecting: "a mapping such as `api: { listen: 127.0.0.1:8480 }`") else {
            return settings
        }
        section.rejectUnknownKeys(keys)
        if let enabled = section.optional("enabled")?.boolean(expecting: "true or false") { settings.enabled = enabled }
        if let node = section.optional("listen"),
            let text = node.string(expecting: "host:port such as 127.0.0.1:8480, or unix:/run/utility-gateway/api.sock")
        {
            if let address = APIListenAddress(text) {
                settings.listen = address
            } else {
                node.report(
                    "expected host:port such as 127.0.0.1:8480 (port 1-65535), or unix: and an absolute socket path "
                        + "shorter than 108 bytes; got \(Phrase.quoted(text))")
            }
        }
        settings.tokenFile = section.secretFile(
            fileKey: "token_file", credentialKey: "token_credential",
            expecting: "the path of a token file with one `name token` line per operator")
        if let tlsNode = section.optional("tls"),
            let tls = tlsNode.mapping(expecting: "a mapping such as `tls: { cert_file: api.pem, key_file: api.key }`")
        {
            tls.rejectUnknownKeys(tlsKeys)
            let cert = tls.required("cert_file", "the server certificate (PEM)")?.readableFile(
                expecting: "the path of the server certificate (PEM)")
            let key = tls.required("key_file", "the server's private key (PEM)")?.readableFile(
                expecting: "the path of the server's private key (PEM)")
            if let cert, let key { settings.tls = APITLSFiles(certFile: cert, keyFile: key) }
            if case .unix = settings.listen {
                tlsNode.report("'tls' is for TCP listeners; a unix socket is protected by its file permissions")
            }
        }
        if settings.enabled, !settings.listen.isLocalOnly, settings.tokenFile == nil, !section.has("token_credential") {
            (section.optional("listen") ?? node).report(
                "\(settings.listen) is reachable from other machines; set api.token_file (or api.token_credential) so that every request "
                    + "needs an operator token (or listen on 127.0.0.1 or a unix: socket)")
        }
        return settings
    }
}
