import GatewayCore
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A benchmark-only trace of commits: for every committed batch one line
/// `batch <commit_us> <messages>\n`, and for every message in it whose payload carries
/// `"sent_us":<wall-clock microseconds>` (what `utility-sim publish --send-time` embeds) one line
/// `<sent_us> <commit_us>\n`, where `commit_us` is the wall clock right after the batch's COMMIT
/// returned. bench/run reads throughput (messages over the span of commit times) and
/// publish-to-commit latency from it, without polling the store or the API while it measures.
///
/// Why a hook inside the daemon: the moment a message is durable is the end of its batch's COMMIT,
/// which no outside observer sees (the PUBACK goes to the broker, not to the publisher, and at QoS 0
/// there is none). The hook is off unless the environment variable
/// `UTILITY_GATEWAY_BENCH_COMMIT_TRACE` names a file (bench/run sets it for the latency case only);
/// when on, it costs one clock read per batch and a scan of the payload's first bytes per message,
/// and it writes its file from `flush()`, which the pipeline calls after the batch's acks have left
/// — never between a commit and its acks. Publisher and daemon share one host, so both read the same
/// `CLOCK_REALTIME`.
public final class CommitTrace: Sendable {
    /// The environment variable that turns the trace on.
    public static let environmentVariable = "UTILITY_GATEWAY_BENCH_COMMIT_TRACE"

    private let fd: Int32
    private let pending = Mutex<[UInt8]>([])

    /// The trace named by `UTILITY_GATEWAY_BENCH_COMMIT_TRACE`, or nil when it is unset or cannot be
    /// opened (a benchmark aid never stops the daemon).
    public static func fromEnvironment() -> CommitTrace? {
        guard let path = getenv(environmentVariable).map({ String(cString: $0) }), !path.isEmpty else { return nil }
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0o644)
        return fd >= 0 ? CommitTrace(fd: fd) : nil
    }

    init(fd: Int32) { self.fd = fd }

    deinit { close(fd) }

    /// Wall-clock microseconds since the epoch.
    public static func nowMicros() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1_000_000 + Int64(ts.tv_nsec) / 1000
    }

    /// Records the messages of a batch committed at `commitMicros`.
    public func record(_ batch: [InboundMessage], commitMicros: Int64) {
        let commit = Array(String(commitMicros).utf8)
        pending.withLock { buffer in
            buffer += "batch ".utf8
            buffer += commit
            buffer += " \(batch.count)\n".utf8
            for message in batch {
                guard let sent = Self.sentMicros(in: message.payload) else { continue }
                buffer += String(sent).utf8
                buffer.append(UInt8(ascii: " "))
                buffer += commit
                buffer.append(UInt8(ascii: "\n"))
            }
        }
    }

    /// Writes what was recorded since the last call.
    public func flush() {
        let bytes = pending.withLock { buffer in
            defer { buffer.removeAll(keepingCapacity: true) }
            return buffer
        }
        guard !bytes.isEmpty else { return }
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = write(fd, raw.baseAddress! + offset, raw.count - offset)
                if written <= 0 { return }
                offset += written
            }
        }
    }

    /// The digits after the first `"sent_us":` within the payload's first 64 bytes.
    static func sentMicros(in payload: [UInt8]) -> Int64? {
        let key = Array("\"sent_us\":".utf8)
        let end = min(payload.count, 64)
        guard end >= key.count else { return nil }
        var start = 0
        while start + key.count <= end {
            if payload[start..<(start + key.count)].elementsEqual(key) { break }
            start += 1
        }
        guard start + key.count <= end else { return nil }
        var value: Int64 = 0
        var index = start + key.count
        var digits = 0
        while index < payload.count, payload[index] >= UInt8(ascii: "0"), payload[index] <= UInt8(ascii: "9"), digits < 18 {
            value = value * 10 + Int64(payload[index] - UInt8(ascii: "0"))
            index += 1
            digits += 1
        }
        return digits > 0 ? value : nil
    }
}
