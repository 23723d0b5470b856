import Crypto
import Foundation
import GatewayTestSupport
import NIOCore
import NIOHTTP1
import NIOPosix

#if canImport(Glibc)
import Glibc
#endif

/// A webhook receiver on 127.0.0.1 (swift-nio HTTP/1 server) that records every POST and answers
/// as the test tells it: 2xx, an error status, hold the request unanswered, or — stopped — refuse
/// connections altogether. It can be started again on the same port.
final class WebhookReceiver: Sendable {
    /// How the receiver answers the next requests.
    enum Mode: Sendable {
        /// 204 for every request.
        case accept
        /// This status for every request.
        case fail(Int)
        /// 204 for the next `count` requests, then hold every later one without an answer.
        case acceptThenHold(count: Int)
    }

    /// One request as it arrived.
    struct Request: Sendable {
        var headers: [String: String]
        var body: [UInt8]
        /// The status it was answered with; `nil` when it was held.
        var status: Int?

        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any]) ?? [:] }
        /// (stream, seq): the event's identity within one store generation.
        var key: String { "\(json["stream"] as? String ?? "?")#\(json["seq"] as? Int ?? -1)" }
    }

    let port: Int
    private let state = LockedBox<(mode: Mode, requests: [Request], server: Channel?, children: [Channel])>((.accept, [], nil, []))
    /// While stopped: a socket bound to the port without listening. Connections are refused, and
    /// no other process (tests of other suites run beside these) can take the port meanwhile.
    private let reservation = LockedBox<Int32>(-1)

    init(mode: Mode) throws {
        port = try LoopbackPort.free()
        state.withLock { $0.mode = mode }
        try start()
    }

    var url: String { "http://127.0.0.1:\(port)/hook" }

    var requests: [Request] { state.withLock { $0.requests } }
    /// The requests answered with a 2xx, in arrival order.
    var accepted: [Request] { requests.filter { ($0.status ?? 0) / 100 == 2 } }

    func setMode(_ mode: Mode) { state.withLock { $0.mode = mode } }

    /// Listens again (after `stop()`), on the same port.
    func start() throws {
        reservation.withLock { fd in
            if fd >= 0 { close(fd) }
            fd = -1
        }
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { [self] channel in
                state.withLock { $0.children.append(channel) }
                return channel.eventLoop.makeCompletedFuture(withResultOf: {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(Handler(receiver: self))
                })
            }
        let server = try bootstrap.bind(host: "127.0.0.1", port: port).wait()
        state.withLock { $0.server = server }
    }

    /// Closes the listening socket and every open connection: the next attempt is refused.
    func stop() {
        let (server, children) = state.withLock { state in
            defer { state.server = nil; state.children = [] }
            return (state.server, state.children)
        }
        try? server?.close().wait()
        for child in children { try? child.close().wait() }
        guard server != nil else { return }
        reservation.withLock { fd in
            fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var on: Int32 = 1
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, socklen_t(MemoryLayout<Int32>.size))
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = UInt16(port).bigEndian
            address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
            _ = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
        }
    }

    deinit {
        reservation.withLock { fd in if fd >= 0 { close(fd) } }
    }

    /// Records the request and decides its answer (`nil`: hold it).
    fileprivate func received(headers: [String: String], body: [UInt8]) -> Int? {
        state.withLock { state in
            let status: Int?
            switch state.mode {
            case .accept: status = 204
            case .fail(let code): status = code
            case .acceptThenHold(let count):
                if count > 0 {
                    status = 204
                    state.mode = .acceptThenHold(count: count - 1)
                } else {
                    status = nil
                }
            }
            state.requests.append(Request(headers: headers, body: body, status: status))
            return status
        }
    }

    /// Whether `request` carries the HMAC-SHA256 of its body under `secret`, as the README says a
    /// receiver checks it.
    static func signatureVerifies(_ request: Request, secret: String) -> Bool {
        guard let header = request.headers["x-utility-gateway-signature-256"], header.hasPrefix("sha256=") else { return false }
        let expected = HMAC<SHA256>.authenticationCode(for: request.body, using: SymmetricKey(data: Array(secret.utf8)))
        let hex = expected.map { String(format: "%02x", $0) }.joined()
        return header == "sha256=" + hex
    }

    private final class Handler: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        let receiver: WebhookReceiver
        var headers: [String: String] = [:]
        var body: [UInt8] = []

        init(receiver: WebhookReceiver) { self.receiver = receiver }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head):
                headers = Dictionary(head.headers.map { ($0.name.lowercased(), $0.value) }, uniquingKeysWith: { a, _ in a })
                body = []
            case .body(var buffer):
                body += buffer.readBytes(length: buffer.readableBytes) ?? []
            case .end:
                guard let status = receiver.received(headers: headers, body: body) else { return }
                var responseHeaders = HTTPHeaders()
                responseHeaders.add(name: "Content-Length", value: "0")
                let head = HTTPResponseHead(version: .http1_1, status: HTTPResponseStatus(statusCode: status), headers: responseHeaders)
                context.write(wrapOutboundOut(.head(head)), promise: nil)
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            }
        }
    }
}
