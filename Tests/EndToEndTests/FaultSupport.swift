import Foundation
import GatewayTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// Small tools of the fault tests: the sqlite3 CLI, a tmpfs of a given size, a paced feed.
enum FaultSupport {
    /// Runs the sqlite3 CLI on `database` and returns its output (trimmed), or nil when it failed.
    /// `readOnly`: leave the file exactly as it is (no checkpoint on close).
    static func sqlite(_ database: String, _ sql: String, readOnly: Bool = false, in directory: TemporaryDirectory) -> String? {
        let out = directory.file("sqlite3-\(UUID().uuidString.prefix(8)).out")
        guard let process = try? ChildProcess(
            executable: URL(fileURLWithPath: "/usr/bin/sqlite3"),
            arguments: (readOnly ? ["-readonly"] : []) + ["-cmd", ".timeout 10000", database, sql],
            stderrURL: out)
        else { return nil }
        guard process.waitForExit(timeoutSeconds: 120) == 0 else { return nil }
        return process.stderrText().trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A tmpfs of `megabytes` mounted at a new folder (tests run as root), or nil when mounting is
    /// not permitted here. Unmount with `unmount(_:)`.
    static func mountTmpfs(megabytes: Int, in directory: TemporaryDirectory) -> String? {
        let point = directory.file("small-fs").path
        try? FileManager.default.createDirectory(atPath: point, withIntermediateDirectories: true)
        guard geteuid() == 0, mount("tmpfs", point, "tmpfs", 0, "size=\(megabytes)m,mode=0755") == 0 else { return nil }
        return point
    }

    static func unmount(_ point: String) {
        // MNT_DETACH: the daemon may still hold the file open after a failed test.
        _ = umount2(point, Int32(MNT_DETACH))
    }

    /// Fills the file system of `folder` with a file until only `leavingBytes` are free; returns its path.
    static func fill(_ folder: String, leavingBytes: Int64) throws -> String {
        var info = statvfs()
        guard statvfs(folder, &info) == 0 else { throw TestSupportError("statvfs \(folder) failed") }
        let free = Int64(info.f_bavail) * Int64(info.f_frsize)
        let path = folder + "/filler"
        let size = max(0, free - leavingBytes)
        let chunk = Data(repeating: 0x5a, count: 64 * 1024)
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        var written: Int64 = 0
        while written < size {
            let part = chunk.prefix(Int(min(Int64(chunk.count), size - written)))
            do { try handle.write(contentsOf: part) } catch { break }
            written += Int64(part.count)
        }
        return path
    }
}

extension GatewayHarness {
    /// The `buffer` object of `GET /api/v1/status`, or nil.
    func bufferStatus() -> [String: Any]? { statusJSON()?["buffer"] as? [String: Any] }

    /// `ingest.readings_stored` of `GET /api/v1/status` (since the daemon started), or -1.
    func readingsStoredSinceStart() -> Int {
        (statusJSON()?["ingest"] as? [String: Any])?["readings_stored"] as? Int ?? -1
    }
}
