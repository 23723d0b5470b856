import Foundation
import GatewayTestSupport
import Testing

/// The power-cut shim on its own (`Tests/PowerCut/powercut.c`), with coreutils' `dd` as the process
/// under test: what is written and not synced is absent from the image, what is synced is in it,
/// and the power-loss tests only trust it for the calls libsqlite3 actually makes.
@Suite struct PowerLossShimTests {
    let directory: TemporaryDirectory
    let cut: PowerCut

    init() throws {
        directory = try TemporaryDirectory(prefix: "powercut")
        cut = try PowerCut(watch: directory.file("state").path, shadow: directory.file("shadow").path)
    }

    /// Runs dd under the shim: 8 KiB of a fixed pattern into `name`, with more dd `conversions`.
    func dd(_ name: String, input: String = "/dev/zero", conversions: [String] = []) throws {
        let process = try ChildProcess(
            executable: URL(fileURLWithPath: "/usr/bin/dd"),
            arguments: ["if=\(input)", "of=\(cut.watch)/\(name)", "bs=4096", "count=2", "status=none"]
                + (conversions.isEmpty ? [] : ["conv=" + conversions.joined(separator: ",")]),
            environment: cut.environment, stderrURL: directory.file("dd.log"))
        let status = process.waitForExit(timeoutSeconds: 60)
        #expect(status == 0, "dd failed: \(process.stderrText())")
    }

    func contents(_ path: String) -> Data? { FileManager.default.contents(atPath: path) }

    @Test func aWriteThatWasNeverSyncedIsNotInTheImage() throws {
        try dd("unsynced", input: "/dev/urandom")
        #expect(contents(cut.watch + "/unsynced")?.count == 8192, "the kernel has the write")
        #expect(contents(cut.shadow + "/unsynced") == Data(), "creating the file is durable, its data is not")
        try cut.cut()
        #expect(contents(cut.watch + "/unsynced") == Data())
    }

    @Test func aSyncedWriteIsInTheImage() throws {
        try dd("fsync", input: "/dev/urandom", conversions: ["fsync"])
        try dd("fdatasync", input: "/dev/urandom", conversions: ["fdatasync"])
        for name in ["fsync", "fdatasync"] {
            let written = try #require(contents(cut.watch + "/" + name))
            #expect(written.count == 8192)
            #expect(contents(cut.shadow + "/" + name) == written, "\(name)")
        }
    }

    /// The page cache outlives a killed process: a later process's fsync makes an earlier one's
    /// unsynced writes durable, as the kernel would.
    @Test func aLaterProcessesSyncMakesEarlierWritesDurable() throws {
        try dd("later", input: "/dev/urandom")
        #expect(contents(cut.shadow + "/later") == Data())
        let process = try ChildProcess(
            executable: URL(fileURLWithPath: "/usr/bin/dd"),
            arguments: ["if=/dev/null", "of=\(cut.watch)/later", "conv=notrunc,fsync", "status=none"],
            environment: cut.environment, stderrURL: directory.file("dd.log"))
        #expect(process.waitForExit(timeoutSeconds: 60) == 0)
        #expect(contents(cut.shadow + "/later") == contents(cut.watch + "/later"))
    }

    @Test func unlinkRemovesTheShadowAndSharedMemoryIsNeverWatched() throws {
        try dd("gone", conversions: ["fsync"])
        try dd("db-shm", conversions: ["fsync"])
        #expect(FileManager.default.fileExists(atPath: cut.shadow + "/gone"))
        #expect(!FileManager.default.fileExists(atPath: cut.shadow + "/db-shm"))
        let process = try ChildProcess(
            executable: URL(fileURLWithPath: "/bin/rm"), arguments: [cut.watch + "/gone"],
            environment: cut.environment, stderrURL: directory.file("rm.log"))
        #expect(process.waitForExit(timeoutSeconds: 60) == 0)
        #expect(!FileManager.default.fileExists(atPath: cut.shadow + "/gone"))
        try cut.cut()
        #expect(try FileManager.default.contentsOfDirectory(atPath: cut.watch).isEmpty)
    }

    /// The model covers what libsqlite3 does to files only if libsqlite3 calls nothing else that
    /// changes a file: every such call it imports must be one the shim interposes. (A new SQLite
    /// that wrote with pwritev or fallocate would make the power-loss tests prove less; this fails.)
    @Test func libsqlite3ChangesFilesOnlyThroughInterposedCalls() throws {
        let daemon = try BuiltProducts.executable(named: "utility-gatewayd")
        let library = try #require(
            Self.run("/usr/bin/ldd", [daemon.path], in: directory)?
                .split(separator: "\n").first { $0.contains("libsqlite3") }?
                .split(separator: " ").first { $0.hasPrefix("/") }.map(String.init),
            "utility-gatewayd does not link a shared libsqlite3")
        let symbols = try #require(Self.run("/usr/bin/nm", ["-D", "--undefined-only", library], in: directory), "nm failed on \(library)")
        let imported = Set(symbols.split(separator: "\n").compactMap { line in
            line.split(separator: " ").last.map { String($0.split(separator: "@").first ?? $0) }
        })
        let changesFiles: Set<String> = [
            "open", "open64", "openat", "openat64", "creat", "creat64", "write", "pwrite", "pwrite64", "writev",
            "pwritev", "pwritev64", "pwritev2", "fsync", "fdatasync", "sync_file_range", "syncfs", "ftruncate",
            "ftruncate64", "truncate", "truncate64", "fallocate", "fallocate64", "posix_fallocate",
            "posix_fallocate64", "unlink", "unlinkat", "rename", "renameat", "renameat2", "close", "dup", "dup2",
            "dup3", "msync", "copy_file_range", "sendfile", "sendfile64", "splice",
        ]
        let interposed: Set<String> = [
            "open", "open64", "openat", "openat64", "write", "pwrite", "pwrite64", "fsync", "fdatasync",
            "ftruncate", "ftruncate64", "unlink", "unlinkat", "rename", "close", "dup", "dup2", "dup3",
        ]
        #expect(imported.contains("pwrite64") && imported.contains("fdatasync"), "unexpected nm output: \(imported.sorted())")
        #expect(imported.intersection(changesFiles).subtracting(interposed).isEmpty,
                "libsqlite3 changes files through calls the shim does not model: \(imported.intersection(changesFiles).subtracting(interposed).sorted())")
    }

    /// Runs a tool and returns its standard output, or nil when it failed.
    static func run(_ tool: String, _ arguments: [String], in directory: TemporaryDirectory) -> String? {
        let out = directory.file("\(URL(fileURLWithPath: tool).lastPathComponent)-\(UUID().uuidString.prefix(8)).out")
        guard let process = try? ChildProcess(
            executable: URL(fileURLWithPath: tool), arguments: arguments,
            stderrURL: directory.file("tool.err"), stdoutURL: out)
        else { return nil }
        guard process.waitForExit(timeoutSeconds: 60) == 0 else { return nil }
        return try? String(contentsOf: out, encoding: .utf8)
    }
}
