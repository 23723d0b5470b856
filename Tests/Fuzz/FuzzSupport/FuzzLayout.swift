import Foundation

/// Where the robustness material lives: `Tests/Fuzz/routes/<format>.yaml` (one route per format),
/// `corpus/<format>/` (committed seeds), `regressions/<format>/` (every crash ever found, replayed by
/// `RobustnessTests`) and `dicts/<format>.dict` (libFuzzer token dictionaries).
///
/// The fuzzer, the tests and the benchmark find the folder from this file's own path, so they work
/// from any working directory of the same checkout; `FUZZ_ROOT` overrides it (a binary run from
/// another checkout).
public enum FuzzLayout {
    /// `Tests/Fuzz` of the checkout this module was built from, or `$FUZZ_ROOT`.
    public static let root: URL = {
        if let override = ProcessInfo.processInfo.environment["FUZZ_ROOT"], !override.isEmpty {
            return URL(fileURLWithPath: override, isDirectory: true)
        }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    }()

    public static var routesDirectory: URL { root.appendingPathComponent("routes", isDirectory: true) }

    /// The route file of one format.
    public static func routeFile(_ format: String) -> URL {
        routesDirectory.appendingPathComponent("\(format).yaml")
    }

    public static func corpus(_ format: String) -> URL {
        root.appendingPathComponent("corpus", isDirectory: true).appendingPathComponent(format, isDirectory: true)
    }

    public static func regressions(_ format: String) -> URL {
        root.appendingPathComponent("regressions", isDirectory: true).appendingPathComponent(format, isDirectory: true)
    }

    /// The formats that have a route file, sorted: exactly what `scripts/fuzz` and the tests cover.
    public static var routedFormats: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: routesDirectory.path)) ?? []
        return names.filter { $0.hasSuffix(".yaml") && !$0.hasPrefix(".") }.map { String($0.dropLast(5)) }.sorted()
    }

    /// The regular, non-hidden files of a folder, sorted by name; none when the folder is absent
    /// (a format with no regression yet has no folder: git keeps no empty ones).
    public static func files(in directory: URL) -> [URL] {
        let fm = FileManager.default
        let names = (try? fm.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.sorted().filter { !$0.hasPrefix(".") && $0 != "README.md" }.compactMap { name in
            let url = directory.appendingPathComponent(name)
            var isDirectory: ObjCBool = false
            return fm.fileExists(atPath: url.path, isDirectory: &isDirectory) && !isDirectory.boolValue ? url : nil
        }
    }
}
