import CMosquitto

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Process-wide libmosquitto initialisation, done once and lazily.
///
/// `mosquitto_lib_init` must run before the first `mosquitto_new`; a Swift `static let` is initialised
/// exactly once, thread-safely, on first use. It also sets SIGPIPE to "ignore": libmosquitto 2.0 writes
/// with plain `write(2)` (`lib/net_mosq.c`, `net__write`), so a broker that vanishes mid-write would
/// otherwise kill the whole gateway with SIGPIPE instead of giving us `EPIPE` and a reconnect.
enum MosquittoLibrary {
    private static let initialised: Int32 = {
        _ = signal(SIGPIPE, SIG_IGN)
        return mosquitto_lib_init()
    }()

    /// Initialises libmosquitto if that has not happened yet; throws if the library refused.
    static func ensureInitialised() throws {
        if let error = MQTTError.check(initialised, "mosquitto_lib_init") { throw error }
    }

    /// The linked libmosquitto version as `major.minor.revision`.
    static var version: String {
        var major: Int32 = 0
        var minor: Int32 = 0
        var revision: Int32 = 0
        _ = mosquitto_lib_version(&major, &minor, &revision)
        return "\(major).\(minor).\(revision)"
    }
}
