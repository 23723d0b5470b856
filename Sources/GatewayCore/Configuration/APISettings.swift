import Foundation

/// `api:` — the daemon's HTTP API, `/metrics`, health endpoints and status page.
///
/// On by default on loopback (`127.0.0.1:8480`): an operator at the box expects `curl` and the
/// status page to work without configuring anything, and loopback exposes nothing to the network.
public struct APISettings: Sendable, Hashable {
    /// Whether the daemon serves the API at all (`api: { enabled: false }` turns it off).
    public var enabled: Bool
    public var listen: APIListenAddress
    /// `name token` lines, one per operator; `nil` when none is configured (then only read-only
    /// requests over loopback or the unix socket are served).
    public var tokenFile: String?
    /// Certificate and key (PEM) for HTTPS, for access from other machines.
    public var tls: APITLSFiles?

    public init(
        enabled: Bool = true, listen: APIListenAddress = .tcp(host: "127.0.0.1", port: 8480), tokenFile: String? = nil,
        tls: APITLSFiles? = nil
    ) {
        self.enabled = enabled
        self.listen = listen
        self.tokenFile = tokenFile
        self.tls = tls
    }
}

/// Where the API listens: a TCP host and port, or a unix socket (protected by file permissions).
public enum APIListenAddress: Sendable, Hashable, CustomStringConvertible {
    case tcp(host: String, port: Int)
    case unix(path: String)

    /// Parses `127.0.0.1:8480`, `[::1]:8480`, `0.0.0.0:8480` or `unix:/run/utility-gateway/api.sock`;
    /// `nil` when the text is none of these.
    public init?(_ text: String) {
        if text.hasPrefix("unix:") {
            let path = String(text.dropFirst(5))
            guard path.hasPrefix("/"), path.utf8.count < 108 else { return nil }  // sun_path holds 108 bytes
            self = .unix(path: path)
            return
        }
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
            (1...65_535).contains(port)
        else { return nil }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty, !host.contains(" ") else { return nil }
        self = .tcp(host: host, port: port)
    }

    /// Whether only this machine can reach the listener: a loopback address or a unix socket.
    public var isLocalOnly: Bool {
        switch self {
        case .unix: true
        case .tcp(let host, _): host == "localhost" || host == "::1" || host.hasPrefix("127.")
        }
    }

    public var description: String {
        switch self {
        case .unix(let path): "unix:\(path)"
        case .tcp(let host, let port): host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        }
    }

    /// The base URL a client uses (`http://127.0.0.1:8480`, `https://…`, or `http+unix://%2Frun…`);
    /// a wildcard listen address is reached over loopback.
    public func baseURL(tls: Bool) -> String {
        switch self {
        case .unix(let path):
            // The socket path is the URL's host: everything but ASCII letters, digits and `-._` is
            // percent-encoded (`/` included).
            let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._")
            let encoded = path.addingPercentEncoding(withAllowedCharacters: allowed) ?? path
            return (tls ? "https+unix://" : "http+unix://") + encoded
        case .tcp(var host, let port):
            if host == "0.0.0.0" { host = "127.0.0.1" } else if host == "::" { host = "::1" }
            let authority = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
            return (tls ? "https://" : "http://") + authority
        }
    }
}

/// The server certificate and private key of the API's HTTPS listener (PEM files).
public struct APITLSFiles: Sendable, Hashable {
    public var certFile: String
    public var keyFile: String

    public init(certFile: String, keyFile: String) {
        self.certFile = certFile
        self.keyFile = keyFile
    }
}
