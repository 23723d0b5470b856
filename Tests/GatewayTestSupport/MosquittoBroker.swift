import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A private mosquitto broker for one test: its own free loopback port, config, persistence directory
/// and log, started as a child process and stopped by its process id.
///
/// Restarts keep the port and the persistence directory, so a test can check what survives a broker
/// restart. Readiness is detected by polling a TCP connect with a deadline, never by sleeping.
public final class MosquittoBroker: Sendable {
    /// What goes into the generated `mosquitto.conf`.
    public struct Configuration: Sendable {
        /// Keep sessions and queued messages across restarts (saved on SIGTERM and every autosave).
        public var persistence = true
        public var autosaveIntervalSeconds = 1
        /// Messages queued per offline persistent client; mosquitto's default of 1000 drops the excess
        /// silently (DESIGN §2).
        public var maxQueuedMessages = 1_000_000
        /// QoS 1/2 messages in flight to an MQTT 3.1.1 client (MQTT 5 clients send their own Receive
        /// Maximum); mosquitto's default of 20 would cap every ingest batch at 20.
        public var maxInflightMessages = 1000
        /// Lines appended verbatim.
        public var extraLines: [String] = []

        public init() {}
    }

    public static let executablePath = "/usr/sbin/mosquitto"

    public let port: Int
    public let configuration: Configuration
    public let directory: TemporaryDirectory
    public var configURL: URL { directory.file("mosquitto.conf") }
    public var logURL: URL { directory.file("mosquitto.log") }
    private let process = Mutex<ChildProcess?>(nil)

    /// Writes the configuration and starts the broker; returns once it accepts connections.
    public init(configuration: Configuration = Configuration()) throws {
        guard FileManager.default.isExecutableFile(atPath: Self.executablePath) else {
            throw TestSupportError("\(Self.executablePath) not found: apt-get install mosquitto")
        }
        self.configuration = configuration
        directory = try TemporaryDirectory(prefix: "mosquitto")
        port = try LoopbackPort.free()
        try FileManager.default.createDirectory(at: directory.file("data"), withIntermediateDirectories: true)
        var lines = [
            "listener \(port) 127.0.0.1",
            "allow_anonymous true",
            "persistence \(configuration.persistence)",
            "persistence_location \(directory.file("data").path)/",
            "autosave_interval \(configuration.autosaveIntervalSeconds)",
            "max_queued_messages \(configuration.maxQueuedMessages)",
            "max_inflight_messages \(configuration.maxInflightMessages)",
            "set_tcp_nodelay true",
            "log_dest stderr",
            "log_type error",
            "log_type warning",
            "log_type notice",
            "log_type information",
            "connection_messages true",
        ]
        if geteuid() == 0 {
            // Started as root (CI), mosquitto drops to the `mosquitto` user, which cannot write the
            // persistence file into our root-owned temporary directory ("Error saving in-memory
            // database … Permission denied"). "root" means: do not change user.
            lines.append("user root")
        }
        lines += configuration.extraLines
        try (lines.joined(separator: "\n") + "\n").write(to: configURL, atomically: true, encoding: .utf8)
        try start()
    }

    /// `mqtt://127.0.0.1:<port>`.
    public var url: String { "mqtt://127.0.0.1:\(port)" }

    /// Starts the broker (again) on the same port with the same persistence directory.
    public func start() throws {
        try process.withLock { current in
            if let running = current, running.isRunning { return }
            current = try ChildProcess(
                executable: URL(fileURLWithPath: Self.executablePath), arguments: ["-c", configURL.path],
                stderrURL: logURL)
        }
        let port = self.port
        let ready = eventually(timeoutSeconds: 15, pollMilliseconds: 5) {
            LoopbackPort.accepts(port) || !(process.withLock { $0?.isRunning ?? false })
        }
        guard ready, isRunning else {
            throw TestSupportError("mosquitto did not start on 127.0.0.1:\(port); log:\n\(logText())")
        }
    }

    /// SIGTERM and wait: mosquitto saves its persistence file on the way out.
    public func stop() {
        let child = process.withLock { current -> ChildProcess? in
            defer { current = nil }
            return current
        }
        child?.terminate(graceSeconds: 15)
    }

    /// SIGKILL and wait: nothing is saved beyond the last autosave.
    public func kill() {
        let child = process.withLock { current -> ChildProcess? in
            defer { current = nil }
            return current
        }
        child?.send(SIGKILL)
        child?.waitForExit(timeoutSeconds: 15)
    }

    /// `stop()` then `start()`: same port, same persistence directory.
    public func restart() throws {
        stop()
        try start()
    }

    public var isRunning: Bool { process.withLock { $0?.isRunning ?? false } }
    public var pid: Int32? { process.withLock { $0?.pid } }

    /// The broker's log so far (connections, disconnections, errors).
    public func logText() -> String {
        (try? String(contentsOf: logURL, encoding: .utf8)) ?? ""
    }

    deinit {
        kill()
    }
}
