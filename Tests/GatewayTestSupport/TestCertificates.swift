import Foundation

/// A throw-away certificate authority and a server certificate for 127.0.0.1, made with the `openssl`
/// command-line tool, for TLS tests against a local broker.
public struct TestCertificates: Sendable {
    public let caFile: URL
    public let serverCertFile: URL
    public let serverKeyFile: URL

    /// Creates the CA and the server certificate (EC P-256, valid two days, SAN IP:127.0.0.1) in `directory`.
    public init(in directory: TemporaryDirectory) throws {
        let openssl = URL(fileURLWithPath: "/usr/bin/openssl")
        guard FileManager.default.isExecutableFile(atPath: openssl.path) else {
            throw TestSupportError("/usr/bin/openssl not found: apt-get install openssl")
        }
        caFile = directory.file("ca.crt")
        serverCertFile = directory.file("server.crt")
        serverKeyFile = directory.file("server.key")
        let caKey = directory.file("ca.key")
        let request = directory.file("server.csr")
        let extensions = directory.file("server.ext")
        try "subjectAltName=IP:127.0.0.1\n".write(to: extensions, atomically: true, encoding: .utf8)
        let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        let steps: [[String]] = [
            ["req", "-x509"] + ec + ["-keyout", caKey.path, "-out", caFile.path, "-days", "2", "-subj", "/CN=utility-gateway test CA"],
            ["req"] + ec + ["-keyout", serverKeyFile.path, "-out", request.path, "-subj", "/CN=127.0.0.1"],
            ["x509", "-req", "-in", request.path, "-CA", caFile.path, "-CAkey", caKey.path, "-CAcreateserial",
             "-out", serverCertFile.path, "-days", "2", "-extfile", extensions.path],
        ]
        for arguments in steps {
            let child = try ChildProcess(executable: openssl, arguments: arguments, stderrURL: directory.file("openssl.log"))
            guard child.waitForExit(timeoutSeconds: 60) == 0 else {
                throw TestSupportError("openssl \(arguments.joined(separator: " ")) failed: \(child.stderrText())")
            }
        }
    }

    /// Broker configuration lines that turn the test listener into a TLS listener.
    public var brokerLines: [String] {
        ["cafile \(caFile.path)", "certfile \(serverCertFile.path)", "keyfile \(serverKeyFile.path)"]
    }
}
