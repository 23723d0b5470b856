import Foundation
import GatewayTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// The service manager's end of sd_notify for tests: a unix datagram socket, bound to a path in a
/// temporary folder or to an abstract name (`@…`), whose datagrams are collected on demand.
final class NotifySocketReceiver: Sendable {
    /// What to put in `$NOTIFY_SOCKET`.
    let name: String
    private let descriptor: Int32
    private let received = LockedBox<[String]>([])

    /// - Parameter abstract: bind an abstract socket (`@utility-gateway-test-<random>`) instead of
    ///   `<directory>/notify.sock`.
    init(directory: TemporaryDirectory, abstract: Bool = false) throws {
        let name = abstract ? "@utility-gateway-test-\(UUID().uuidString.prefix(12))" : directory.file("notify.sock").path
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard fd >= 0 else { throw TestSupportError("socket(AF_UNIX, SOCK_DGRAM): errno \(errno)") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var bytes = Array(name.utf8)
        if abstract { bytes[0] = 0 }
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (index, byte) in bytes.enumerated() { buffer[index] = byte }
        }
        let length = socklen_t(MemoryLayout<sockaddr_un>.offset(of: \.sun_path)! + bytes.count)
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard rc == 0 else {
            close(fd)
            throw TestSupportError("bind(\(name)): errno \(errno)")
        }
        self.name = name
        descriptor = fd
    }

    deinit { close(descriptor) }

    /// Every datagram received so far, in order (reads what is waiting first).
    var messages: [String] {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = recv(descriptor, &buffer, buffer.count, Int32(MSG_DONTWAIT))
            guard count > 0 else { break }
            let text = String(decoding: buffer[0..<count], as: UTF8.self)
            received.withLock { $0.append(text) }
        }
        return received.withLock { $0 }
    }

    /// Every `KEY=VALUE` line of every datagram, in order.
    var lines: [String] { messages.flatMap { $0.split(separator: "\n").map(String.init) } }
}
