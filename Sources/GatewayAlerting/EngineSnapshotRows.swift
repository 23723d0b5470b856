import Foundation
import GatewayRules
import GatewayStore

/// How the rule engine's snapshot is laid out in `rule_state`: a header row (`engine`: alerts,
/// watermarks, sites, out-of-service devices, and how many chunks of series follow) and the series
/// in chunks of `seriesPerChunk` (100; `engine.series.0`, `engine.series.1`, …), all written in the one
/// transaction of the stage's output.
///
/// Why chunks: the series are most of the snapshot (~680 bytes each, ~20 MB at 10,000 devices with
/// the default packs). Encoded as one value, `JSONEncoder` first built a boxed tree of the whole
/// fleet — the largest part of the daemon's peak memory (292 MB against 68 MB without rules) and a
/// stall of its thread every 30 s; a chunk's tree is a small fraction of that and gone before the next.
/// A header without `seriesChunks` (snapshots written before) carries its series inline.
enum EngineSnapshotRows {
    static let headerKey = "engine"
    static let chunkKeyPrefix = "engine.series."
    static let seriesPerChunk = 100

    /// The rows of `engine`'s snapshot.
    static func encode(_ engine: RuleEngine, with encoder: JSONEncoder) throws -> [String: Data] {
        var header = engine.stateWithoutSeries
        let count = engine.seriesCount
        let chunks = (count + seriesPerChunk - 1) / seriesPerChunk
        header.seriesChunks = chunks
        var rows: [String: Data] = [headerKey: try encoder.encode(header)]
        for chunk in 0..<chunks {
            let start = chunk * seriesPerChunk
            rows[chunkKeyPrefix + String(chunk)] = try encoder.encode(engine.seriesStates(start..<min(count, start + seriesPerChunk)))
        }
        return rows
    }

    /// The snapshot last written to `store`, or `nil` when none was.
    static func read(from store: ReadingStore, with decoder: JSONDecoder) throws -> RuleEngineState? {
        guard let data = try store.ruleState(headerKey) else { return nil }
        var state = try decoder.decode(RuleEngineState.self, from: data)
        if let chunks = state.seriesChunks {
            for chunk in 0..<chunks {
                guard let rows = try store.ruleState(chunkKeyPrefix + String(chunk)) else {
                    throw SnapshotError.missingChunk(chunk, of: chunks)
                }
                state.series += try decoder.decode([RuleEngineState.SeriesState].self, from: rows)
            }
            state.seriesChunks = nil
        }
        return state
    }

    /// A header names a chunk the store does not hold: the rows were not written together.
    enum SnapshotError: Error, CustomStringConvertible {
        case missingChunk(Int, of: Int)

        var description: String {
            switch self {
            case .missingChunk(let chunk, let chunks):
                "the rules' snapshot names \(chunks) chunks of series but chunk \(chunk) is missing from rule_state"
            }
        }
    }
}
