import Foundation
import GatewayCore
import GatewayMQTT
import GatewayStore
import GatewayTestSupport
import Synchronization

/// A real `utility-gatewayd` process against a real mosquitto, with its own state folder — the
/// pieces every end-to-end test needs. Only 127.0.0.1 is ever contacted.
final class GatewayHarness: Sendable {
    let broker: MosquittoBroker
    let directory: TemporaryDirectory
    let configPath: String
    /// The daemon's HTTP API listens here (`api.listen`), a free loopback port of its own.
    let apiPort: Int
    private let daemonState = LockedBox<ChildProcess?>(nil)
    private let starts = LockedBox(0)

    /// A route for test feeds: `t/<device>` carrying `{"ts": EPOCH_MS, "v": NUMBER}` as water volume.
    static let testRoutes = """
        routes:
          - id: test
            topic: "t/+"
            qos: 1
            format: json
            utility: water
            site: lab
            device: "{topic.1}"
            timestamp: { path: ts, format: epoch_ms }
            metrics:
              - { name: volume, path: v, unit: m3 }
        """

    /// - Parameters:
    ///   - brokerExtra: more lines for the `broker:` section (indented by two spaces).
    ///   - extra: more top-level sections after the routes (`devices:`, `rules:`, …).
    ///   - clientID: the daemon's MQTT client id (two gateways on one broker need two).
    ///   - syncInterval: `storage.sync_interval`; `nil` for the default.
    init(
        broker: MosquittoBroker? = nil, clientID: String = "utility-gateway-e2e", synchronous: String = "normal",
        syncInterval: String? = nil, routes: String = GatewayHarness.testRoutes,
        brokerExtra: String = "", apiListen: String? = nil, apiExtra: String = "", extra: String = "",
        stateDirectory: String? = nil
    ) throws {
        self.broker = try broker ?? MosquittoBroker()
        directory = try TemporaryDirectory(prefix: "gateway-e2e")
        stateDirectoryPath = stateDirectory ?? directory.file("state").path
        configPath = directory.file("gateway.yaml").path
        apiPort = try LoopbackPort.free()
        let yaml = """
            gateway:
              id: e2e
              state_dir: \(stateDirectoryPath)
              log_level: debug
            broker:
              url: \(self.broker.url)
              protocol: "5"
              client_id: \(clientID)
              session: persistent
              reconnect: { initial: 100ms, max: 1s }
            \(brokerExtra)
            storage:
              synchronous: \(synchronous)
              \(syncInterval.map { "sync_interval: \($0)" } ?? "")
            api:
              listen: \(apiListen ?? "127.0.0.1:\(apiPort)")
            \(apiExtra)
            \(routes)
            \(extra)

            """
        try yaml.write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    /// The API's base URL.
    var apiURL: String { "http://127.0.0.1:\(apiPort)" }

    /// `gateway.state_dir`: in the test's folder unless the test chose one (a small file system).
    let stateDirectoryPath: String

    var databasePath: String { stateDirectoryPath + "/gateway.sqlite" }

    /// Starts the daemon and waits until it has subscribed (so that a clean publish reaches it).
    /// - Parameter environment: added to the test process's own (`NOTIFY_SOCKET`, …).
    func startDaemon(subscribeTimeoutSeconds: Double = 60, environment: [String: String] = [:]) throws {
        let process = try launchDaemon(environment: environment)
        let subscribed = eventually(timeoutSeconds: subscribeTimeoutSeconds) {
            process.stderrText().contains("mqtt.subscribed") || !process.isRunning
        }
        guard subscribed, process.isRunning else {
            throw TestSupportError("utility-gatewayd did not subscribe:\n\(process.stderrText())")
        }
    }

    /// Starts the daemon without waiting for anything.
    @discardableResult
    func launchDaemon(environment: [String: String] = [:]) throws -> ChildProcess {
        let count = starts.withLock { $0 += 1; return $0 }
        let process = try ChildProcess(
            executable: try BuiltProducts.executable(named: "utility-gatewayd"),
            arguments: ["--config", configPath], environment: environment,
            stderrURL: directory.file("gatewayd-\(count).log"))
        daemonState.withLock { $0 = process }
        return process
    }

    var daemon: ChildProcess? { daemonState.withLock { $0 } }

    /// SIGKILL: the process gets no chance to flush or to say goodbye.
    func killDaemon() {
        guard let daemon else { return }
        daemon.send(SIGKILL)
        _ = daemon.waitForExit(timeoutSeconds: 30)
    }

    /// SIGTERM and wait: returns the exit status.
    func stopDaemon() -> Int32? {
        guard let daemon else { return nil }
        daemon.send(SIGTERM)
        return daemon.waitForExit(timeoutSeconds: 60)
    }

    /// All daemon logs so far, for failure messages.
    func logs() -> String {
        (1...max(1, starts.withLock { $0 })).map {
            (try? String(contentsOf: directory.file("gatewayd-\($0).log"), encoding: .utf8)) ?? ""
        }.joined(separator: "\n---\n")
    }

    func reader() throws -> StoreReader {
        try StoreReader(path: databasePath)
    }

    /// Every stored test reading's value, as integers (the tests publish whole numbers).
    func storedValues() throws -> [Int] {
        try reader().readings(ReadingFilter(limit: 10_000_000)).map { Int($0.value) }
    }

    func storedCount() -> Int {
        (try? reader().counts().readings) ?? 0
    }

    deinit {
        daemonState.withLock { $0?.send(SIGKILL) }
    }
}

/// A test feed on `t/<device>`: message `i` carries `{"ts": base + i, "v": i}`, so every stored
/// reading says which message it came from.
final class SequenceFeed: Sendable {
    let publisher: MQTTPublisher
    let base: EpochMillis
    let devices: Int
    private let acknowledged = LockedBox<(open: [Int32: Int], early: Set<Int32>, done: Set<Int>)>(([:], [], []))

    init(
        brokerURL: String, devices: Int = 10, maxInFlight: Int = 50, clientID: String = "feed-\(UUID().uuidString.prefix(8))",
        username: String? = nil, password: String? = nil
    ) throws {
        self.devices = devices
        // An hour ago: inside the routes' default time window (max_age 7d, max_future_skew 5m).
        base = SystemWallClock().now() - 3_600_000
        var options = MQTTPublisherOptions(
            url: BrokerURL(parsing: brokerURL)!, clientID: clientID, username: username, password: password)
        options.maxInFlight = maxInFlight
        options.inFlightWaitTimeoutSeconds = 120
        let box = acknowledged
        publisher = try MQTTPublisher(options: options, onAcknowledged: { mid in
            box.withLock { state in
                if let i = state.open.removeValue(forKey: mid) { state.done.insert(i) } else { state.early.insert(mid) }
            }
        })
    }

    func topic(_ i: Int) -> String { "t/dev-\(i % devices)" }

    func payload(_ i: Int) -> [UInt8] { Array(#"{"ts":\#(base + EpochMillis(i)),"v":\#(i)}"#.utf8) }

    /// Publishes message `i` at QoS 1 (blocking while the in-flight window is full).
    func publish(_ i: Int) throws {
        let mid = try publisher.publish(topic: topic(i), payload: payload(i), qos: 1)
        acknowledged.withLock { state in
            if state.early.remove(mid) != nil { state.done.insert(i) } else { state.open[mid] = i }
        }
    }

    /// The message numbers the broker acknowledged: the ones the gateway must end up storing.
    var acknowledgedNumbers: Set<Int> { acknowledged.withLock { $0.done } }

    /// Publishes `range` on a thread of its own at about `perSecond` messages a second, and returns
    /// at once. The pacing is the condition under test (a fault must land mid-stream); nothing
    /// waits for an outcome by sleeping.
    func publishPaced(_ range: Range<Int>, perSecond: Int) {
        let thread = Thread {
            let start = ContinuousClock.now
            for (n, i) in range.enumerated() {
                let due = start + .microseconds(Int64(n) * 1_000_000 / Int64(perSecond))
                if due > ContinuousClock.now { Thread.sleep(forTimeInterval: 0.0005) }
                try? self.publish(i)
            }
        }
        thread.start()
    }

    func finish() -> Bool {
        let all = publisher.waitForAcknowledgements(timeoutSeconds: 120)
        publisher.disconnect()
        return all
    }
}

/// A value behind a lock, for test bookkeeping shared with callbacks.
final class LockedBox<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>

    init(_ value: Value) { mutex = Mutex(value) }

    func withLock<R>(_ body: (inout Value) throws -> R) rethrows -> R {
        try mutex.withLock { try body(&$0) }
    }
}
