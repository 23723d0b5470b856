import Foundation
import GatewayCore
import Testing

@testable import GatewayIngest

/// The benchmark's publish-to-commit trace: which payloads it reads a send time from, and the
/// lines it writes.
@Suite struct CommitTraceTests {
    @Test func readsTheSendTimeNearTheStartOfThePayload() {
        #expect(CommitTrace.sentMicros(in: Array("{\"seq\":1,\"sent_us\":1795766400123456,\"ts\":1}".utf8)) == 1_795_766_400_123_456)
        #expect(CommitTrace.sentMicros(in: Array("{\"seq\":1,\"ts\":1}".utf8)) == nil)
        #expect(CommitTrace.sentMicros(in: Array("{\"sent_us\":}".utf8)) == nil)
        #expect(CommitTrace.sentMicros(in: []) == nil)
    }

    @Test func writesTheBatchAndEachTracedMessageOnFlush() throws {
        let path = NSTemporaryDirectory() + "commit-trace-\(getpid()).txt"
        defer { unlink(path) }
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        try #require(fd >= 0)
        let trace = CommitTrace(fd: fd)
        let message = { (payload: String) in
            InboundMessage(topic: "t", payload: Array(payload.utf8), qos: 1, retain: false, receivedAt: 0)
        }
        trace.record([message("{\"sent_us\":10}"), message("{}"), message("{\"seq\":2,\"sent_us\":20}")], commitMicros: 99)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "")
        trace.flush()
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "batch 99 3\n10 99\n20 99\n")
    }
}
