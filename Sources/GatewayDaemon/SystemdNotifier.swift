import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// sd_notify(3) without libsystemd: one datagram of `KEY=VALUE` lines to the unix socket named by
/// `$NOTIFY_SOCKET` (DESIGN §1: linking libsystemd-dev would upgrade the host's systemd packages).
///
/// The protocol, as systemd documents it: a path socket (`/run/systemd/notify`), or an abstract one
/// when the name starts with `@` (the `@` stands for a leading NUL byte and the address has no
/// terminating NUL). Sending is best effort: a failure is returned, never thrown, since a gateway
/// must keep ingesting even if the service manager went away.
public final class SystemdNotifier: Sendable {
    /// `$NOTIFY_SOCKET` as given.
    public let socketName: String
    /// `$WATCHDOG_USEC` when it is meant for this process (`$WATCHDOG_PID` absent or ours).
    public let watchdogInterval: Duration?
    private let descriptor: Int32

    /// `nil` when `$NOTIFY_SOCKET` is not set (not started by systemd with `Type=notify`) or the
    /// socket cannot be created.
    public init?(environment: [String: String] = ProcessInfo.processInfo.environment) {
        guard let name = environment["NOTIFY_SOCKET"], name.hasPrefix("/") || name.hasPrefix("@"),
            name.utf8.count < MemoryLayout.size(ofValue: sockaddr_un().sun_path)
        else { return nil }
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return nil }
        socketName = name
        descriptor = fd
        watchdogInterval = Self.watchdogInterval(environment)
    }

    deinit { close(descriptor) }

    /// Sends `state` (one or more `KEY=VALUE` lines). Returns whether the datagram left.
    @discardableResult
    public func send(_ state: String) -> Bool {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var path = Array(socketName.utf8)
        if path.first == UInt8(ascii: "@") { path[0] = 0 }
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (index, byte) in path.enumerated() { buffer[index] = byte }
        }
        // Abstract names are exactly as long as they are; a path may do without its NUL too.
        let length = socklen_t(MemoryLayout<sockaddr_un>.offset(of: \.sun_path)! + path.count)
        let bytes = Array(state.utf8)
        let sent = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                sendto(descriptor, bytes, bytes.count, Int32(MSG_NOSIGNAL), socketAddress, length)
            }
        }
        return sent == bytes.count
    }

    /// `WATCHDOG_USEC`, if set, positive, and for this process.
    static func watchdogInterval(_ environment: [String: String]) -> Duration? {
        guard let text = environment["WATCHDOG_USEC"], let usec = UInt64(text), usec > 0 else { return nil }
        if let pid = environment["WATCHDOG_PID"], Int32(pid) != getpid() { return nil }
        return .microseconds(Int64(clamping: usec))
    }
}
