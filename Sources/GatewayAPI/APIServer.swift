import Foundation
import GatewayCore
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOSSL
import ServiceLifecycle

/// The API as a service of the daemon's ServiceGroup: the router over a TCP (optionally TLS) or
/// unix-socket listener.
public enum APIServer {
    /// Why the API cannot start (unreadable certificate, bad token file), said so that the
    /// operator knows which file to fix.
    public struct StartError: Error, CustomStringConvertible {
        public var description: String
    }

    /// Builds the application. Throws `StartError` when the TLS files or the token file are unusable.
    /// - Parameter onListening: called once the listener is bound (the daemon tells systemd it is
    ///   ready then).
    public static func make(
        settings: APISettings, environment: GatewayAPIEnvironment, logger: Logger,
        onListening: @escaping @Sendable () -> Void = {}
    ) throws -> some Service {
        let tokens: APITokens?
        do {
            tokens = try settings.tokenFile.map { path throws(APITokens.FileError) in try APITokens.load(path: path) }
        } catch {
            throw StartError(description: "api.token_file: \(error)")
        }
        let router = APIRouter.make(environment: environment, tokens: tokens)
        let address: BindAddress
        switch settings.listen {
        case .tcp(let host, let port): address = .hostname(host, port: port)
        case .unix(let path): address = .unixDomainSocket(path: path)
        }
        var server = HTTPServerBuilder.http1()
        if let tls = settings.tls {
            do {
                let chain = try NIOSSLCertificate.fromPEMFile(tls.certFile).map { NIOSSLCertificateSource.certificate($0) }
                let key = try NIOSSLPrivateKey(file: tls.keyFile, format: .pem)
                server = try .tls(
                    .http1(),
                    tlsConfiguration: TLSConfiguration.makeServerConfiguration(
                        certificateChain: chain, privateKey: NIOSSLPrivateKeySource.privateKey(key)))
            } catch {
                throw StartError(description: "api.tls: cannot use \(tls.certFile) / \(tls.keyFile): \(error)")
            }
        }
        let listen = settings.listen
        var apiLogger = logger
        apiLogger[metadataKey: "component"] = "api"
        let application = Application(
            router: router, server: server,
            configuration: ApplicationConfiguration(address: address, serverName: "utility-gateway"),
            onServerRunning: { _ in
                // A unix socket is protected by its permissions: owner and group only.
                if case .unix(let path) = listen { chmod(path, 0o660) }
                logger.notice("api.listening", metadata: ["api.listen": "\(listen)", "api.tls": "\(settings.tls != nil)"])
                onListening()
            },
            logger: apiLogger)
        return APIService(application: application, listen: listen)
    }
}

/// Runs the application and, when it fails (the port is taken, the socket's folder is missing),
/// says which `api.listen` it was, so the operator knows what to change.
struct APIService<App: ApplicationProtocol>: Service {
    let application: App
    let listen: APIListenAddress

    func run() async throws {
        do {
            try await application.run()
        } catch {
            throw APIServer.StartError(description: "api.listen \(listen): cannot serve the API: \(error)")
        }
    }
}
