#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A self-pipe that wakes the loop thread's `poll(2)` from another thread (`stop()`).
///
/// Both ends are non-blocking and close-on-exec. `wake()` may be called from any thread; `drain()` only
/// from the loop thread. The descriptors are plain integers fixed at init, so the type is `Sendable`.
struct WakePipe: Sendable {
    let readFD: Int32
    let writeFD: Int32

    init() throws {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else {
            throw MQTTError(kind: .library, code: 0, message: "pipe(2) failed: errno \(errno)", context: "stop wake-up pipe")
        }
        for fd in fds {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        }
        readFD = fds[0]
        writeFD = fds[1]
    }

    /// Makes the read end readable. A full pipe already wakes the poller, so EAGAIN is fine.
    func wake() {
        var byte: UInt8 = 1
        _ = write(writeFD, &byte, 1)
    }

    /// Empties the read end.
    func drain() {
        var buffer = [UInt8](repeating: 0, count: 64)
        while read(readFD, &buffer, buffer.count) > 0 {}
    }

    func closeBoth() {
        for fd in [readFD, writeFD] { _ = close(fd) }
    }
}
