import GRDB
import GatewayCore

/// How far the uplink has forwarded each stream, against what the store holds: read-only, for
/// operators' tools and the simulator's `--verify` (the daemon itself uses `ForwardOutbox`).
public struct ForwardProgress: Sendable, Hashable {
    /// The acknowledged cursors (`forward_cursor`; 0 for a stream never acknowledged).
    public var cursors: ForwardCursors
    /// The highest seq of each stream in the store (0 when empty): the readings' last seq ever
    /// handed out, the alert and ticket histories' highest entry.
    public var heads: ForwardCursors

    public init(cursors: ForwardCursors, heads: ForwardCursors) {
        self.cursors = cursors
        self.heads = heads
    }

    /// Whether every stream is forwarded up to its head.
    public var isDrained: Bool {
        ForwardStream.allCases.allSatisfy { cursors[$0] >= heads[$0] }
    }
}

extension StoreReader {
    /// The forward cursors and the stream heads, from one snapshot.
    public func forwardProgress() throws -> ForwardProgress {
        try query("query.forward") { db in
            var cursors = ForwardCursors()
            for row in try Row.fetchAll(db, sql: "SELECT stream, last_seq FROM forward_cursor") {
                let stream: String = row[0]
                if let known = ForwardStream(rawValue: stream) { cursors[known] = row[1] }
            }
            let heads = ForwardCursors(
                readings: try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'readings_recent'") ?? 0,
                alertHistory: try Int64.fetchOne(db, sql: "SELECT coalesce(max(seq), 0) FROM alert_history") ?? 0,
                ticketHistory: try Int64.fetchOne(db, sql: "SELECT coalesce(max(seq), 0) FROM ticket_history") ?? 0)
            return ForwardProgress(cursors: cursors, heads: heads)
        }
    }
}
