import Foundation

/// Finds executables built by SwiftPM next to the test bundle, for end-to-end tests that run them.
///
/// On Linux the test runner is `<scratch>/<triple>/debug/<package>PackageTests.xctest`, an executable that
/// sits in the same directory as the package's executables; on macOS the `.xctest` bundle sits there. The
/// environment variable `UTILITY_GATEWAY_BIN_DIR` overrides the search (for installed binaries or a
/// release build).
public enum BuiltProducts {
    public static let overrideVariable = "UTILITY_GATEWAY_BIN_DIR"

    /// Directories that may hold the built products, most specific first.
    public static var candidateDirectories: [URL] {
        var result: [URL] = []
        if let override = ProcessInfo.processInfo.environment[overrideVariable], !override.isEmpty {
            result.append(URL(fileURLWithPath: override, isDirectory: true))
        }
        let argument0 = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath()
        result.append(contentsOf: productsDirectories(around: argument0))
        if let executable = Bundle.main.executableURL?.resolvingSymlinksInPath() {
            result.append(contentsOf: productsDirectories(around: executable))
        }
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            result.append(bundle.bundleURL.deletingLastPathComponent())
        }
        var seen = Set<String>()
        return result.filter { seen.insert($0.standardizedFileURL.path).inserted }
    }

    /// The built executable `name`, or an error listing where it was looked for.
    public static func executable(named name: String) throws -> URL {
        let fileManager = FileManager.default
        for directory in candidateDirectories {
            let candidate = directory.appendingPathComponent(name)
            if fileManager.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        throw TestSupportError(
            "built executable \(name) not found in \(candidateDirectories.map(\.path)); "
                + "build it first (swift build --product \(name)) or set \(overrideVariable)")
    }

    /// The directory of a test-runner path, and the directory above an `.xctest` bundle's inner binary
    /// (`X.xctest/Contents/MacOS/X` on macOS).
    private static func productsDirectories(around executable: URL) -> [URL] {
        var result = [executable.deletingLastPathComponent()]
        var url = executable
        while url.pathComponents.count > 1 {
            if url.pathExtension == "xctest" {
                result.append(url.deletingLastPathComponent())
                break
            }
            url = url.deletingLastPathComponent()
        }
        return result
    }
}
