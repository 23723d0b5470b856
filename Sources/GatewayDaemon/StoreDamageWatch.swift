import Foundation
import GatewayStore
import Logging
import Synchronization

/// Turns a store file that SQLite reports damaged while the gateway runs into a restart on a fresh
/// store: the file is marked (`ReadingStore.markDamaged`), the gateway stops gracefully, and the
/// next start moves the file aside (`ReadingStore.openRecovering`) and raises a
/// `gateway.store_recovered` alert. The gateway restarts itself in-process (see `GatewayDaemon.run`)
/// — no dependence on systemd, and never a restart loop, since the damaged file is gone after one.
///
/// Damage shows up as `SQLITE_CORRUPT` from a commit or a query, or as problems found by the full
/// integrity check that runs in the background after an unclean shutdown.
final class StoreDamageWatch: Sendable {
    private let path: String
    private let logger: Logger
    private let state = Mutex<(detected: Bool, restart: (@Sendable () -> Void)?)>((false, nil))

    init(path: String, logger: Logger) {
        self.path = path
        self.logger = logger
    }

    /// Whether damage was found: the gateway must start again on a fresh store.
    var detected: Bool { state.withLock { $0.detected } }

    /// What to call to stop the gateway once damage is found (called at once if it already was).
    func onDetected(_ restart: @escaping @Sendable () -> Void) {
        let already = state.withLock { state in
            state.restart = restart
            return state.detected
        }
        if already { restart() }
    }

    /// Damage found: the first report marks the file and stops the gateway; later ones are the
    /// same damage seen again.
    func report(_ reason: String) {
        let restart = state.withLock { state -> (@Sendable () -> Void)?? in
            guard !state.detected else { return nil }
            state.detected = true
            return .some(state.restart)
        }
        guard let restart else { return }
        logger.critical("store.damaged", metadata: [
            "store.path": "\(path)", "reason": "\(reason)",
            "action": "restarting on a fresh store; the damaged file is kept beside it",
        ])
        do {
            try ReadingStore.markDamaged(path: path, reason: reason)
        } catch {
            logger.critical("store.damage_mark_failed", metadata: ["error": "\(error)"])
        }
        restart?()
    }

    /// Runs SQLite's full integrity check on its own thread (it reads every page: minutes on a big
    /// store, so never on the start-up path), and reports what it finds.
    func checkInBackground() {
        let path = path
        let logger = logger
        logger.notice("store.integrity_check_started", metadata: ["reason": "the previous run did not close the store"])
        let thread = Thread { [self] in
            do {
                let problems = try StoreIntegrity.check(path: path)
                if problems.isEmpty {
                    logger.notice("store.integrity_check_passed", metadata: ["store.path": "\(path)"])
                } else {
                    report("integrity check: " + problems.prefix(5).joined(separator: "; "))
                }
            } catch let error as StoreError where error.code == .corrupt {
                report(error.description)
            } catch {
                logger.error("store.integrity_check_failed", metadata: ["error": "\(error)"])
            }
        }
        thread.name = "store-integrity-check"
        thread.start()
    }
}
