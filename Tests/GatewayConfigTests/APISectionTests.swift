import GatewayConfig
import GatewayCore
import Testing

@Suite("api: listen address, token file and TLS")
struct APISectionTests {
    static let rest = """
        gateway: { id: site-01 }
        broker: { url: mqtt://127.0.0.1:1883 }
        routes:
          - { topic: a/b, utility: water, site: s, device: d, metrics: [{ name: flow, path: f, unit: L/s }] }
        """

    @Test("without an api section the API listens on loopback port 8480")
    func defaults() {
        let api = load(Self.rest)?.configuration.api
        #expect(api == APISettings(enabled: true, listen: .tcp(host: "127.0.0.1", port: 8480), tokenFile: nil, tls: nil))
    }

    @Test("listen addresses: IPv4, IPv6 in brackets, unix sockets")
    func listenForms() {
        #expect(APIListenAddress("127.0.0.1:9000") == .tcp(host: "127.0.0.1", port: 9000))
        #expect(APIListenAddress("[::1]:8480") == .tcp(host: "::1", port: 8480))
        #expect(APIListenAddress("unix:/run/utility-gateway/api.sock") == .unix(path: "/run/utility-gateway/api.sock"))
        #expect(APIListenAddress("localhost") == nil)
        #expect(APIListenAddress("127.0.0.1:0") == nil)
        #expect(APIListenAddress("unix:relative.sock") == nil)
        #expect(APIListenAddress("unix:/" + String(repeating: "a", count: 120)) == nil)
        #expect(APIListenAddress("0.0.0.0:8480")?.isLocalOnly == false)
        #expect(APIListenAddress("[::1]:8480")?.isLocalOnly == true)
        #expect(APIListenAddress("0.0.0.0:8480")?.baseURL(tls: false) == "http://127.0.0.1:8480")
        #expect(APIListenAddress("unix:/run/u-g/api.sock")?.baseURL(tls: false) == "http+unix://%2Frun%2Fu-g%2Fapi.sock")
    }

    @Test("a bad listen address says which forms are accepted")
    func badListen() {
        expectOnlyProblem(
            in: "api:\n  listen: 8480\n" + Self.rest, at: "api.listen", line: 2,
            containing: ["expected host:port such as 127.0.0.1:8480", "unix:", "got '8480'"])
    }

    @Test("a listener other machines can reach needs a token file")
    func remoteNeedsTokens() {
        expectOnlyProblem(
            in: "api:\n  listen: 0.0.0.0:8480\n" + Self.rest, at: "api.listen", line: 2,
            containing: ["0.0.0.0:8480 is reachable from other machines", "set api.token_file"])
    }

    @Test("the token file and TLS files must be readable; TLS needs both files and a TCP listener")
    func files() throws {
        let scratch = try Scratch()
        let tokens = try scratch.write("tokens", "alice 0123456789abcdef0123456789abcdef\n")
        let cert = try scratch.write("api.pem", "cert")
        let key = try scratch.write("api.key", "key")
        let loaded = load("api:\n  listen: 0.0.0.0:8443\n  token_file: \(tokens)\n  tls: { cert_file: \(cert), key_file: \(key) }\n" + Self.rest)
        #expect(loaded?.configuration.api.tls == APITLSFiles(certFile: cert, keyFile: key))
        #expect(loaded?.configuration.api.tokenFile == tokens)

        let found = problems(in: "api:\n  token_file: \(scratch.path("missing"))\n  tls: { cert_file: \(cert) }\n" + Self.rest)
        #expect(found.count == 2, "\(found)")
        expectProblem(found, at: "api.token_file", line: 2, containing: ["missing"])
        expectProblem(found, at: "api.tls.key_file", line: 3, containing: ["missing required key 'key_file'"])

        expectOnlyProblem(
            in: "api:\n  listen: unix:/run/api.sock\n  tls: { cert_file: \(cert), key_file: \(key) }\n" + Self.rest,
            at: "api.tls", line: 3, containing: ["a unix socket is protected by its file permissions"])
    }

    @Test("enabled must be true or false")
    func enabledFlag() {
        #expect(load("api: { enabled: false }\n" + Self.rest)?.configuration.api.enabled == false)
        expectOnlyProblem(in: "api: { enabled: yes }\n" + Self.rest, at: "api.enabled", line: 1, containing: ["true or false", "got 'yes'"])
    }
}
