#if FUZZING
import CFuzzerDriver
import Foundation
import FuzzSupport
import GatewayCore

/// The route being fuzzed, chosen once per process by `FUZZ_FORMAT`.
///
/// Kept out of `main.swift` on purpose: top-level code there is main-actor isolated, and the
/// libFuzzer callback below must be a plain nonisolated C function (DESIGN §3).
enum FuzzTarget {
    struct Loaded: Sendable {
        let format: String
        let route: RouteUnderTest
    }

    /// Loaded on first use; `main.swift` touches it before the driver starts.
    static let loaded: Result<Loaded, LoadFailure> = {
        guard let format = ProcessInfo.processInfo.environment["FUZZ_FORMAT"], !format.isEmpty else {
            return .failure(LoadFailure(message: "set FUZZ_FORMAT to one of: \(FuzzLayout.routedFormats.joined(separator: ", "))"))
        }
        do throws(RouteLoadError) {
            return .success(Loaded(format: format, route: try RouteUnderTest(format: format)))
        } catch {
            return .failure(LoadFailure(message: error.description, formatNotRegistered: error.formatNotRegistered))
        }
    }()

    struct LoadFailure: Error, Sendable {
        let message: String
        var formatNotRegistered = false
    }

    /// Hands the command line to libFuzzer with ``fuzzOneInput`` as the test function. The C
    /// pointer to a `@_cdecl` function must be taken in the file that defines it: Swift emits the
    /// C symbol's thunk in every file that converts the function, and two files would define
    /// `LLVMFuzzerTestOneInput` twice at link time.
    static func runDriver() -> CInt {
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        return LLVMFuzzerRunDriver(&argc, &argv, fuzzOneInput)
    }
}

/// libFuzzer's test function. A broken decoder promise traps (SIGABRT), which libFuzzer reports as
/// a crash and saves the input for: a wrong reading is stored and acknowledged, so it counts as one.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard case .success(let target) = FuzzTarget.loaded else { return -1 }
    let payload = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    let (_, violations) = target.route.check(payload)
    if !violations.isEmpty {
        FileHandle.standardError.write(Data(("decoder promise broken:\n  " + violations.joined(separator: "\n  ") + "\n").utf8))
        abort()
    }
    return 0
}
#endif
