import Foundation
import GatewayCore
import Logging
import Testing

@testable import GatewayStore

/// A temporary folder for one test's database, removed when the test ends.
final class TempDirectory {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "gateway-store-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    var database: String { path + "/gateway.sqlite" }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

let quietLogger: Logger = {
    var logger = Logger(label: "gateway-store-tests")
    logger.logLevel = .critical
    return logger
}()

func openStore(
    _ dir: TempDirectory, threshold: Int = 1_000_000, maxAgeSeconds: Double = 3600, synchronous: SynchronousMode = .normal,
    chunkRows: Int = 2_500
) throws -> ReadingStore {
    try ReadingStore(
        path: dir.database, synchronous: synchronous, logger: quietLogger, mergeThresholdRows: threshold,
        mergeMaxAgeSeconds: maxAgeSeconds, mergeChunkRows: chunkRows)
}

/// A reading with sensible defaults; the natural key is (utility, site, device, metric, ts).
func reading(
    device: String = "dev-1", metric: String = "pressure", ts: EpochMillis, value: Double = 1.5, unit: String = "kPa",
    utility: Utility = .water, site: String = "site-a", topic: String? = nil, quality: QualityFlags = []
) -> Reading {
    Reading(
        utility: utility, site: site, device: device, metric: metric, value: value, unit: unit, timestamp: ts,
        receivedAt: ts + 7, quality: quality, topic: topic ?? "\(site)/\(device)/telemetry")
}

extension Reading {
    /// The natural key, for comparisons.
    var key: String { "\(utility.rawValue)/\(site)/\(device)/\(metric)@\(timestamp)" }
}

/// Every reading in the store, oldest seq first.
func allReadings(_ reader: StoreReader) throws -> [Reading] {
    try reader.readings(ReadingFilter(limit: 1_000_000)).sorted { $0.seq! < $1.seq! }
}
