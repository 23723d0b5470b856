import Foundation
import GatewayTestSupport

/// The test side of the power-cut model (`Tests/PowerCut/powercut.c`): the environment that preloads
/// the shim into a process, and the cut itself.
///
/// The shim keeps, beside every file of `watch`, a shadow copy in `shadow` that holds only what was
/// fsync'ed. `cut()` — after the process was killed — puts the shadows in place of the files: the
/// folder as a power loss at that moment would have left it under the strict POSIX model (nothing
/// unsynced survives). The shadows stay: the next run of the process continues from the same image.
struct PowerCut {
    /// The folder whose files are modelled (the daemon's `state_dir`).
    let watch: String
    /// Where the shim keeps the durable image of each watched file.
    let shadow: String
    let library: URL

    init(watch: String, shadow: String) throws {
        self.watch = watch
        self.shadow = shadow
        library = try Self.library()
        // The shim compares paths with the folder's real path: it must exist before the process starts.
        try FileManager.default.createDirectory(atPath: watch, withIntermediateDirectories: true)
    }

    /// The environment that runs a process under the model.
    var environment: [String: String] {
        ["LD_PRELOAD": library.path, "POWERCUT_WATCH": watch, "POWERCUT_SHADOW": shadow]
    }

    /// The power cut, once the process is dead: every watched file becomes its shadow, a file with
    /// no shadow goes, and SQLite's `-shm` (shared memory, not durable) goes.
    func cut() throws {
        let files = FileManager.default
        for name in try files.contentsOfDirectory(atPath: watch) {
            let path = watch + "/" + name
            var isFolder: ObjCBool = false
            guard files.fileExists(atPath: path, isDirectory: &isFolder), !isFolder.boolValue else { continue }
            try files.removeItem(atPath: path)
        }
        for name in (try? files.contentsOfDirectory(atPath: shadow)) ?? [] where !name.hasSuffix("-shm") {
            try files.copyItem(atPath: shadow + "/" + name, toPath: watch + "/" + name)
        }
    }

    /// `libPowerCut.so` among the built products (`swift build` builds it).
    static func library() throws -> URL {
        for directory in BuiltProducts.candidateDirectories {
            let candidate = directory.appendingPathComponent("libPowerCut.so")
            if FileManager.default.fileExists(atPath: candidate.path) { return candidate }
        }
        throw TestSupportError(
            "libPowerCut.so not found in \(BuiltProducts.candidateDirectories.map(\.path)); "
                + "build it first (swift build --product PowerCut)")
    }
}
