// fuzz-adapters: one libFuzzer binary for every payload format (DESIGN §7). The format comes from
// FUZZ_FORMAT, its route from Tests/Fuzz/routes/<format>.yaml; each input is a payload decoded by
// MessageDecoder, which must return, keep its promises (DecodeInvariants) and never hang.
//
//   swift build -c debug --scratch-path .build-fuzz --product fuzz-adapters \
//       -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING
//   SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=detect_leaks=0 FUZZ_FORMAT=json \
//       .build-fuzz/debug/fuzz-adapters NEW_CORPUS_DIR Tests/Fuzz/corpus/json -max_total_time=60
//
// scripts/fuzz does all of that for every format with a route file. Without -DFUZZING this is a
// stub that says so, so that `swift build` and `swift test` link without the fuzzer runtime.
#if FUZZING
import Foundation

// Load the route before libFuzzer starts, so that a bad route file is one clear message and exit 2
// rather than a "crash" on the first input; exit 3 says the format has no adapter yet (scripts/fuzz
// skips it with a note).
switch FuzzTarget.loaded {
case .success(let target):
    FileHandle.standardError.write(Data("fuzz-adapters: format '\(target.format)', route \(target.route.name)\n".utf8))
case .failure(let failure):
    FileHandle.standardError.write(Data("fuzz-adapters: \(failure.message)\n".utf8))
    exit(failure.formatNotRegistered ? 3 : 2)
}

exit(FuzzTarget.runDriver())
#else
import Foundation

FileHandle.standardError.write(Data("""
    fuzz-adapters was built without the fuzzer. Build and run it with scripts/fuzz, or:
      swift build -c debug --scratch-path .build-fuzz --product fuzz-adapters \\
          -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING
      SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=detect_leaks=0 FUZZ_FORMAT=json \\
          .build-fuzz/debug/fuzz-adapters NEW_CORPUS_DIR Tests/Fuzz/corpus/json -max_total_time=60

    """.utf8))
exit(2)
#endif
