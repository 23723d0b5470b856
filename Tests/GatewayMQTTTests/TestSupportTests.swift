import Foundation
import GatewayTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("Test support")
struct TestSupportTests {
    @Test("a child spawned from a test thread receives SIGTERM (its signal mask is reset)")
    func childGetsSIGTERM() throws {
        let directory = try TemporaryDirectory()
        let child = try ChildProcess(
            executable: URL(fileURLWithPath: "/bin/sh"),
            arguments: ["-c", "trap 'exit 7' TERM; echo ready; while :; do sleep 0.02; done"],
            stderrURL: directory.file("stderr"))
        #expect(eventually { child.stderrText().contains("ready") })
        child.send(SIGTERM)
        #expect(child.waitForExit(timeoutSeconds: 30) == 7)
        #expect(!child.endedBySignal)
    }

    @Test("SIGKILL ends a child and is reported as a signal death")
    func childKilled() throws {
        let directory = try TemporaryDirectory()
        let child = try ChildProcess(
            executable: URL(fileURLWithPath: "/bin/sleep"), arguments: ["600"], stderrURL: directory.file("stderr"))
        #expect(child.isRunning)
        child.send(SIGKILL)
        #expect(child.waitForExit(timeoutSeconds: 30) == 128 + SIGKILL)
        #expect(child.endedBySignal)
    }

    @Test("built products are looked for next to the test runner, and a missing one is a clear error")
    func builtProducts() {
        #expect(!BuiltProducts.candidateDirectories.isEmpty)
        #expect(BuiltProducts.candidateDirectories.contains { FileManager.default.fileExists(atPath: $0.path) })
        #expect(throws: TestSupportError.self) { try BuiltProducts.executable(named: "no-such-product-\(UUID().uuidString)") }
    }

    @Test("a broker restarts on the same port and stops by its process id")
    func brokerLifecycle() throws {
        let broker = try MosquittoBroker()
        let port = broker.port
        let firstPID = try #require(broker.pid)
        #expect(LoopbackPort.accepts(port))
        try broker.restart()
        #expect(broker.port == port)
        #expect(broker.pid != firstPID)
        #expect(LoopbackPort.accepts(port))
        broker.kill()
        #expect(!broker.isRunning)
        #expect(eventually { !LoopbackPort.accepts(port) })
        #expect(broker.logText().contains("mosquitto version"))
    }
}
