import CMosquitto

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `poll(2)` helpers for the ingest loop, and the one piece of OpenSSL we need.
enum SocketPolling {
    /// What `poll` saw on the MQTT socket and the wake-up pipe.
    struct Readiness {
        var readable = false
        var writable = false
        var woken = false
    }

    /// Waits until the socket is readable (or writable, when `wantWrite`), the wake pipe is readable, or
    /// `timeoutMilliseconds` pass. EINTR counts as a timeout: the loop re-checks its state anyway.
    static func wait(socket: Int32, wantWrite: Bool, wake: Int32, timeoutMilliseconds: Int32) -> Readiness {
        var fds: [pollfd] = [
            pollfd(fd: socket, events: Int16(POLLIN) | (wantWrite ? Int16(POLLOUT) : 0), revents: 0),
            pollfd(fd: wake, events: Int16(POLLIN), revents: 0),
        ]
        var readiness = Readiness()
        guard poll(&fds, nfds_t(fds.count), timeoutMilliseconds) > 0 else { return readiness }
        let hangup = Int16(POLLERR) | Int16(POLLHUP) | Int16(POLLNVAL)
        // An error or hang-up is "readable": the next read reports it as a lost connection.
        readiness.readable = fds[0].revents & (Int16(POLLIN) | hangup) != 0
        readiness.writable = fds[0].revents & Int16(POLLOUT) != 0
        readiness.woken = fds[1].revents & Int16(POLLIN) != 0
        return readiness
    }

    /// Waits only on the wake pipe; true when it became readable.
    static func waitForWake(_ wake: Int32, timeoutMilliseconds: Int32) -> Bool {
        var fds = [pollfd(fd: wake, events: Int16(POLLIN), revents: 0)]
        return poll(&fds, 1, timeoutMilliseconds) > 0 && fds[0].revents & Int16(POLLIN) != 0
    }

    /// Whether the socket has bytes to read right now (a zero-timeout poll).
    static func hasData(_ socket: Int32) -> Bool {
        var fds = [pollfd(fd: socket, events: Int16(POLLIN), revents: 0)]
        return poll(&fds, 1, 0) > 0 && fds[0].revents != 0
    }

    private typealias SSLPendingFunction = @convention(c) (OpaquePointer?) -> Int32

    /// OpenSSL's `SSL_pending`, looked up in the process's global symbols (libmosquitto links libssl, so
    /// it is loaded whenever TLS is in use). Looking it up avoids a second system-library target for one
    /// function. `nil` when not found (then TLS batches rely on `poll` alone: still correct, since the
    /// loop polls again with a bounded timeout, only slower).
    private static let sslPending: SSLPendingFunction? = {
        guard let process = dlopen(nil, RTLD_NOW), let symbol = dlsym(process, "SSL_pending") else { return nil }
        return unsafeBitCast(symbol, to: SSLPendingFunction.self)
    }()

    /// Whether `SSL_pending` was found (it is, whenever libmosquitto was built with TLS).
    static var canSeeTLSBuffer: Bool { sslPending != nil }

    /// Whether TLS has already decrypted bytes buffered in user space that `poll` cannot see.
    ///
    /// libmosquitto 2.0's `mosquitto_loop_read` (`lib/loop.c`) stops at the first EAGAIN even when
    /// `SSL_pending` is non-zero, so a batch loop driven by `poll` alone could leave complete packets in
    /// OpenSSL's buffer until more bytes arrive. When the lookup failed (no libssl), we report
    /// nothing pending, and the loop's bounded poll timeout picks the data up later.
    static func tlsHasPendingData(_ handle: OpaquePointer, usesTLS: Bool) -> Bool {
        guard usesTLS, let ssl = mosquitto_ssl_get(handle) else { return false }
        guard let pending = sslPending else { return false }
        return pending(OpaquePointer(ssl)) > 0
    }
}
