#if canImport(Glibc)
import Glibc
#endif
import Logging
import ServiceLifecycle
import UnixSignals

/// The gateway's side of the systemd protocol that is not tied to the ingest loop: `READY=1` when
/// there is no API to wait for, a reload per SIGHUP (`RELOADING=1` … `READY=1`), and `STOPPING=1`
/// as soon as a graceful shutdown begins. Placed last in the service group, so that it is the
/// first to hear of the shutdown.
///
/// The SIGHUP sequence is created by the caller before anything else starts: SIGHUP's default
/// action ends the process, and one arriving before the handler exists would do just that.
final class SystemdLifecycleService: Service {
    private let notifier: SystemdNotifier?
    private let reloader: ConfigurationReloader
    private let hangups: UnixSignalsSequence
    private let readyAtStart: Bool
    private let logger: Logger

    /// - Parameter readyAtStart: send `READY=1` at once (no API listener to wait for).
    init(
        notifier: SystemdNotifier?, reloader: ConfigurationReloader, hangups: UnixSignalsSequence,
        readyAtStart: Bool, logger: Logger
    ) {
        self.notifier = notifier
        self.reloader = reloader
        self.hangups = hangups
        self.readyAtStart = readyAtStart
        self.logger = logger
    }

    func run() async {
        if readyAtStart { notifier?.send("READY=1") }
        for await _ in hangups.cancelOnGracefulShutdown() {
            notifier?.send("RELOADING=1\nMONOTONIC_USEC=\(Self.monotonicMicroseconds())")
            let outcome = reloader.reload()
            switch outcome {
            case .rejected(let problems):
                notifier?.send("READY=1\nSTATUS=reload rejected (\(problems) problems): running on the previous configuration")
            case .applied(let restartRequired):
                let status = restartRequired.isEmpty
                    ? "configuration reloaded" : "configuration reloaded; restart required for: \(restartRequired.joined(separator: ", "))"
                notifier?.send("READY=1\nSTATUS=\(status)")
            }
        }
        notifier?.send("STOPPING=1")
        logger.notice("gateway.stopping")
    }

    /// CLOCK_MONOTONIC in µs, which newer systemd (253+) wants next to `RELOADING=1`.
    static func monotonicMicroseconds() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return UInt64(spec.tv_sec) * 1_000_000 + UInt64(spec.tv_nsec / 1000)
    }
}
