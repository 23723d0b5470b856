import Foundation
import GatewayCore
import GatewayMQTT
import Synchronization

/// Appends every message of a subscription to a capture file, one batch at a time.
///
/// Runs as the ingest client's batch handler: the messages of a batch are written (and the file
/// flushed) before the handler returns, so what the broker considers delivered is on disk.
final class CaptureRecorder: MQTTBatchHandler {
    private struct State {
        var file: FileHandle
        var first: EpochMillis?
        var count = 0
    }

    private let state: Mutex<State>

    init(path: String, topic: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil) else {
            throw RunError("cannot create the capture file \(path)")
        }
        let file = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        let header = CaptureFile.Header(
            capture: CaptureFile.name, version: CaptureFile.version, started: RFC3339.format(SystemWallClock().now()), topic: topic)
        try file.write(contentsOf: CaptureFile.encodeLine(header))
        state = Mutex(State(file: file))
    }

    var count: Int { state.withLock { $0.count } }

    func handle(_ batch: [InboundMessage]) throws {
        try state.withLock { state in
            var data = Data()
            for message in batch {
                let first = state.first ?? message.receivedAt
                state.first = first
                data += try CaptureFile.encodeLine(CaptureFile.Message(
                    tMillis: message.receivedAt - first, topic: message.topic, qos: message.qos, retain: message.retain,
                    payload: Data(message.payload).base64EncodedString()))
            }
            try state.file.write(contentsOf: data)
            try state.file.synchronize()
            state.count += batch.count
        }
    }

    func connectionChanged(_ event: MQTTConnectionEvent) {
        if case .subscribed(let filter, _) = event {
            // A line on stderr that scripts (and tests) can wait for before they start publishing.
            FileHandle.standardError.write(Data("record: subscribed to \(filter)\n".utf8))
        }
    }

    func close() {
        state.withLock { try? $0.file.close() }
    }
}
