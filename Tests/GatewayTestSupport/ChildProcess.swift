import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A child process started by a test: a binary with arguments and environment, its stderr (and stdout)
/// captured to files, signals by process id, and a wait for exit with a deadline.
///
/// Spawned with `posix_spawn` and an explicitly empty signal mask and default signal dispositions, not
/// with Foundation's `Process`: tests run on libdispatch worker threads, which block most signals, and a
/// child spawned from such a thread inherits that mask — mosquitto then never saw SIGTERM and every
/// graceful stop waited for the SIGKILL fallback (measured: 15 s per stop). Resetting the dispositions
/// also undoes the SIGPIPE "ignore" that GatewayMQTT sets in the test process.
public final class ChildProcess: Sendable {
    public let executable: URL
    public let arguments: [String]
    /// Where stderr goes (and stdout, unless a separate `stdoutURL` was given).
    public let stderrURL: URL
    public let stdoutURL: URL
    public let pid: Int32
    /// `nil` while running; the `waitpid` status once reaped.
    private let reaped = Mutex<Int32?>(nil)

    /// Starts `executable` now. `environment` is added to (and overrides) the test process's own.
    public init(
        executable: URL, arguments: [String] = [], environment: [String: String] = [:],
        stderrURL: URL, stdoutURL: URL? = nil
    ) throws {
        self.executable = executable
        self.arguments = arguments
        self.stderrURL = stderrURL
        self.stdoutURL = stdoutURL ?? stderrURL

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        let flags = O_WRONLY | O_CREAT | O_APPEND
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, self.stdoutURL.path, flags, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, stderrURL.path, flags, 0o644)
        Self.closeOnExecEverywhere()

        let environmentLines = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
            .map { "\($0.key)=\($0.value)" }
        var argv: [UnsafeMutablePointer<CChar>?] = ([executable.path] + arguments).map { strdup($0) } + [nil]
        var envp: [UnsafeMutablePointer<CChar>?] = environmentLines.map { strdup($0) } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var child: pid_t = 0
        let rc = posix_spawn(&child, executable.path, &actions, &attributes, &argv, &envp)
        guard rc == 0 else {
            throw TestSupportError("posix_spawn \(executable.path) failed: \(String(cString: strerror(rc)))")
        }
        pid = child
    }

    /// Marks every descriptor of the test process above stderr close-on-exec, so that a child gets
    /// only the three set up above. Without it a socket the test process holds — a test's own HTTP
    /// listener, which swift-nio opens without close-on-exec — lives on in every daemon and broker
    /// started after it, and keeps accepting connections after the test closed its copy.
    /// (`posix_spawn_file_actions_addclosefrom_np` would do it in one call, but Swift's Glibc module
    /// does not export it.)
    static func closeOnExecEverywhere() {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") else { return }
        for name in names {
            guard let fd = Int32(name), fd > 2 else { continue }
            let flags = fcntl(fd, F_GETFD)
            if flags >= 0 && flags & FD_CLOEXEC == 0 { _ = fcntl(fd, F_SETFD, flags | FD_CLOEXEC) }
        }
    }

    /// Whether the process is still running (reaps it if it ended).
    public var isRunning: Bool { reap() == nil }

    /// Sends `signal` to the process (by its id) if it is still running.
    public func send(_ signal: Int32) {
        guard isRunning else { return }
        _ = kill(pid, signal)
    }

    /// Waits for the process to end. Returns its exit status (128 + signal number for a signal death),
    /// or nil when it was still running at the deadline.
    @discardableResult
    public func waitForExit(timeoutSeconds: Double) -> Int32? {
        guard eventually(timeoutSeconds: timeoutSeconds, pollMilliseconds: 5, { !isRunning }) else { return nil }
        return exitStatus
    }

    /// The exit status once ended: the exit code, or 128 + the signal number.
    public var exitStatus: Int32? {
        guard let status = reap() else { return nil }
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }

    /// Whether the process ended by a signal rather than by exiting.
    public var endedBySignal: Bool {
        guard let status = reap() else { return false }
        return status & 0x7f != 0
    }

    /// SIGTERM, then SIGKILL if it has not ended within `graceSeconds`. Returns the exit status.
    @discardableResult
    public func terminate(graceSeconds: Double = 10) -> Int32? {
        send(SIGTERM)
        if let status = waitForExit(timeoutSeconds: graceSeconds) { return status }
        send(SIGKILL)
        return waitForExit(timeoutSeconds: 10)
    }

    /// What the process wrote to stderr so far.
    public func stderrText() -> String {
        (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? ""
    }

    /// The `waitpid` status if the process has ended (reaping it once), nil while it runs.
    private func reap() -> Int32? {
        reaped.withLock { reaped in
            if let status = reaped { return status }
            var status: Int32 = 0
            let result = waitpid(pid, &status, WNOHANG)
            if result == pid {
                reaped = status
            } else if result < 0 && errno == ECHILD {
                reaped = 0  // reaped by someone else; its status is unknown
            }
            return reaped
        }
    }

    deinit {
        if isRunning {
            _ = kill(pid, SIGKILL)
            waitForExit(timeoutSeconds: 10)
        }
    }
}
