import Dispatch
import Foundation
import FuzzSupport
import GatewayAdapters
import GatewayCore
import Synchronization
import Testing

/// Robustness of every registered payload adapter, driven by data so that a format is covered as
/// soon as it has a route file in `Tests/Fuzz/routes/` (see `Tests/Fuzz/README.md`):
///
/// - arbitrary bytes and mutated seeds never crash or hang `MessageDecoder.decode`, and the result
///   keeps every promise in `DecodeInvariants` (a reason and a sentence for each failure, finite
///   values in canonical units, storable identities, event times inside the route's window);
/// - the same for mutations of every golden input, decoded with that golden case's own route (so
///   every option combination the golden tests use is attacked too);
/// - readings written by small encoders (JSON, line protocol, CSV, SenML, XML) decode back to
///   exactly the same readings;
/// - every input the fuzzer ever crashed on (`Tests/Fuzz/regressions/<format>/`) stays fixed.
///
/// Why seeded loops over `SeededGenerator` rather than swift-property-based: the inputs here are
/// bytes for which libFuzzer (scripts/fuzz) already minimises crashes far better than a generic
/// shrinker, the round-trip generators are a few lines each, and a fixed seed per format makes
/// every run the same without adding a package dependency for everyone. A failure prints the seed,
/// the case and the input, and saves the input to a file ready to become a regression case.
/// `ROBUSTNESS_SEED` and `ROBUSTNESS_SCALE` (a multiplier of the case counts) explore further.
@Suite struct RobustnessTests {
    /// Formats with a fuzz route file: what every data-driven test below runs over.
    static let routedFormats = FuzzLayout.routedFormats
    static let goldenRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("testdata")
    static let scale = max(1, Int(ProcessInfo.processInfo.environment["ROBUSTNESS_SCALE"] ?? "") ?? 1)

    /// A registered format without a fuzz route and seeds would silently escape fuzzing and these
    /// tests; this makes adding an adapter without them a test failure.
    @Test func everyRegisteredFormatHasAFuzzRouteAndSeeds() {
        for format in AdapterRegistry.standard.formats {
            #expect(FileManager.default.fileExists(atPath: FuzzLayout.routeFile(format).path),
                    "format '\(format)' is registered but has no Tests/Fuzz/routes/\(format).yaml")
            #expect(!FuzzLayout.files(in: FuzzLayout.corpus(format)).isEmpty,
                    "format '\(format)' has no seed corpus in Tests/Fuzz/corpus/\(format)/ (scripts/fuzz --sync-corpus copies the golden inputs)")
        }
    }

    // MARK: arbitrary bytes and mutations

    @Test(arguments: routedFormats)
    func arbitraryBytesKeepTheDecodersPromises(_ format: String) throws {
        let route = try Self.fuzzRoute(format)
        let seeds = Seeds.of(format)
        let tokens = Tokens.of(format, seeds: seeds)
        let seed = Self.seed(for: format)
        let (randomCount, mutationCount) = (1_000 * Self.scale, 2_000 * Self.scale)
        let outcome = HangGuard.run(label: format) { progress in
            var generator = SeededGenerator(seed: seed)
            var findings = Findings()
            for index in 0..<randomCount {
                let payload = ByteSoup.make(&generator, tokens: tokens)
                progress.enter("random #\(index)", payload)
                findings.check(route, payload, label: "random #\(index)")
            }
            guard !seeds.isEmpty else { return findings }
            var mutator = Mutator(tokens: tokens)
            for index in 0..<mutationCount {
                let base = seeds[generator.below(seeds.count)]
                let payload = mutator.mutate(base.bytes, others: seeds, using: &generator)
                progress.enter("mutation #\(index) of \(base.name)", payload)
                findings.check(route, payload, label: "mutation #\(index) of \(base.name)")
            }
            return findings
        }
        report(outcome, format: format, seed: seed)
    }

    /// Every golden case's input, mutated, through that case's own route: the golden routes use
    /// options (each, namespaces, headers, precisions …) that one fuzz route per format cannot.
    @Test(arguments: GoldenCase.all)
    func goldenInputsMutatedKeepTheDecodersPromises(_ golden: GoldenCase) throws {
        guard let input = golden.input else { return }  // a configuration-error case: nothing to decode
        let route: RouteUnderTest
        do {
            route = try RouteUnderTest(
                name: golden.name, routeYAML: golden.routeYAML, topic: golden.topic, receivedAt: golden.receivedAt)
        } catch {
            return  // a route the loader refuses is what that golden case tests; GoldenTests checks it
        }
        let seeds = [Seed(name: golden.name, bytes: input)]
        let tokens = Tokens.of(golden.format, seeds: seeds)
        let seed = Self.seed(for: golden.name)
        let outcome = HangGuard.run(label: golden.name) { progress in
            var generator = SeededGenerator(seed: seed)
            var mutator = Mutator(tokens: tokens)
            var findings = Findings()
            progress.enter("the golden input", input)
            findings.check(route, input, label: "the golden input")
            for index in 0..<(100 * Self.scale) {
                let payload = mutator.mutate(input, others: seeds, using: &generator)
                progress.enter("mutation #\(index)", payload)
                findings.check(route, payload, label: "mutation #\(index)")
            }
            return findings
        }
        report(outcome, format: golden.format, seed: seed)
    }

    // MARK: regressions

    /// Replays every input the fuzzer ever crashed on. A format without any has no folder.
    @Test(arguments: routedFormats)
    func fuzzRegressionsStayFixed(_ format: String) throws {
        let files = FuzzLayout.files(in: FuzzLayout.regressions(format))
        guard !files.isEmpty else { return }
        let route = try Self.fuzzRoute(format)
        let cases = try files.map { Seed(name: $0.lastPathComponent, bytes: try Array(Data(contentsOf: $0))) }
        let outcome = HangGuard.run(label: format) { progress in
            var findings = Findings()
            for regression in cases {
                progress.enter(regression.name, regression.bytes)
                findings.check(route, regression.bytes, label: "regressions/\(format)/\(regression.name)")
            }
            return findings
        }
        report(outcome, format: format, seed: nil)
    }

    // MARK: round trips

    @Test(arguments: RoundTrip.all)
    func encodedReadingsDecodeBackUnchanged(_ roundTrip: RoundTrip) throws {
        guard AdapterRegistry.standard.formats.contains(roundTrip.format) else {
            try Test.cancel("format '\(roundTrip.format)' is not registered in this build")
        }
        let route = try RouteUnderTest(name: "round trip \(roundTrip.name)", routeYAML: roundTrip.routeYAML)
        var generator = SeededGenerator(seed: Self.seed(for: "round trip \(roundTrip.name)"))
        var mismatches = 0
        for index in 0..<(300 * Self.scale) where mismatches < 3 {
            let message = roundTrip.makeMessage(&generator)
            let payload = roundTrip.encode(message)
            let (result, violations) = route.check(payload)
            let got = result.readings.map(ReadingKey.init)
            let failures = result.quarantined.map { "\($0.reason.rawValue): \($0.message)" }
            let same = got.count == message.expected.count
                && zip(got, message.expected).allSatisfy { $0.matches($1, tolerance: roundTrip.tolerance) }
            guard !same || !failures.isEmpty || !violations.isEmpty else { continue }
            mismatches += 1
            let shownGot = got.map(\.description).joined(separator: "\n    ")
            let shownExpected = message.expected.map(\.description).joined(separator: "\n    ")
            Issue.record("""
                \(roundTrip.name) message #\(index) did not round-trip.
                  payload: \(Escaped.text(payload, limit: 2_000))
                  expected:
                    \(shownExpected)
                  got:
                    \(shownGot)
                  failures: \(failures)
                  broken promises: \(violations)
                """)
        }
    }

    // MARK: helpers

    /// The fuzz route of `format`, or the test case is cancelled when its adapter has not landed.
    static func fuzzRoute(_ format: String) throws -> RouteUnderTest {
        let loaded = Result { () throws(RouteLoadError) in try RouteUnderTest(format: format) }
        if case .failure(let error) = loaded, error.formatNotRegistered {
            try Test.cancel("format '\(format)' has a fuzz route but is not registered in this build")
        }
        return try loaded.get()
    }

    /// A fixed seed per name (FNV-1a), XOR `ROBUSTNESS_SEED` when set.
    static func seed(for name: String) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in name.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0100_0000_01B3 }
        let extra = UInt64(ProcessInfo.processInfo.environment["ROBUSTNESS_SEED"] ?? "") ?? 0
        return hash ^ extra
    }

    func report(_ outcome: HangGuard.Outcome<Findings>, format: String, seed: UInt64?) {
        let seedText = seed.map { " (seed \($0))" } ?? ""
        switch outcome {
        case .finished(let findings):
            for finding in findings.kept {
                let saved = Findings.save(finding.payload, format: format)
                Issue.record("""
                    \(format): \(finding.label)\(seedText) broke the decoder's promises:
                      \(finding.violations.joined(separator: "\n  "))
                      payload: \(Escaped.text(finding.payload, limit: 600))
                      saved to \(saved) — to keep it as a regression case (replayed with
                      Tests/Fuzz/routes/\(format).yaml; if only another route fails on it, add a golden case):
                      cp \(saved) Tests/Fuzz/regressions/\(format)/
                    """)
            }
            if findings.count > findings.kept.count {
                Issue.record("\(format): \(findings.count - findings.kept.count) more inputs broke promises (first \(findings.kept.count) shown)")
            }
        case .hung(let label, let payload, let seconds):
            let saved = Findings.save(payload, format: format)
            Issue.record("""
                \(format): \(label)\(seedText) did not finish within \(Int(seconds)) s: the decoder hangs (or crawls) on it.
                  payload: \(Escaped.text(payload, limit: 600))
                  saved to \(saved) — to keep it as a regression case:
                  cp \(saved) Tests/Fuzz/regressions/\(format)/
                """)
        }
    }
}

// MARK: - inputs

/// One named payload: a corpus file, a golden input or a regression case.
struct Seed: Sendable {
    let name: String
    let bytes: [UInt8]
}

enum Seeds {
    /// The committed corpus, the golden inputs and the regression cases of `format`.
    static func of(_ format: String) -> [Seed] {
        var seeds: [Seed] = []
        for file in FuzzLayout.files(in: FuzzLayout.corpus(format)) + FuzzLayout.files(in: FuzzLayout.regressions(format)) {
            if let data = try? Data(contentsOf: file) { seeds.append(Seed(name: file.lastPathComponent, bytes: Array(data))) }
        }
        // format: auto reads what the concrete formats read.
        let goldenFormats: Set = format == "auto" ? ["json", "xml", "csv", "influx"] : [format]
        for golden in GoldenCase.all where goldenFormats.contains(golden.format) {
            if let input = golden.input { seeds.append(Seed(name: golden.name, bytes: input)) }
        }
        return seeds
    }
}

/// A golden test folder (`testdata/<format>/<case>/`, see GoldenTests) read for its route and input.
struct GoldenCase: Sendable, CustomTestStringConvertible {
    let name: String
    let format: String
    let routeYAML: String
    let input: [UInt8]?
    let topic: String
    let receivedAt: EpochMillis

    var testDescription: String { name }

    static let all: [GoldenCase] = {
        let fm = FileManager.default
        var cases: [GoldenCase] = []
        let root = RobustnessTests.goldenRoot
        for format in ((try? fm.contentsOfDirectory(atPath: root.path)) ?? []).sorted() where !format.hasPrefix(".") {
            let formatDir = root.appendingPathComponent(format)
            for name in ((try? fm.contentsOfDirectory(atPath: formatDir.path)) ?? []).sorted() where !name.hasPrefix(".") {
                let dir = formatDir.appendingPathComponent(name)
                func text(_ file: String) -> String? {
                    try? String(contentsOf: dir.appendingPathComponent(file), encoding: .utf8)
                }
                guard let routeYAML = text("route.yaml") else { continue }
                let inputName = ((try? fm.contentsOfDirectory(atPath: dir.path)) ?? []).first { $0.hasPrefix("input.") }
                let input = inputName.flatMap { try? Data(contentsOf: dir.appendingPathComponent($0)) }.map(Array.init)
                let topic = text("topic.txt")?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "golden/site-1/dev-1/data"
                let receivedAt = text("received_at.txt").flatMap { RFC3339.parse($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
                    ?? 1_795_766_400_000
                cases.append(GoldenCase(
                    name: "\(format)/\(name)", format: format, routeYAML: routeYAML, input: input, topic: topic,
                    receivedAt: receivedAt))
            }
        }
        return cases
    }()
}

/// Tokens that mean something to a format: its libFuzzer dictionary (`Tests/Fuzz/dicts/<format>.dict`)
/// plus the words and punctuation of its seeds. Random inputs built from them get past a parser's
/// first checks far more often than random bytes.
enum Tokens {
    static func of(_ format: String, seeds: [Seed]) -> [[UInt8]] {
        var tokens = Set<[UInt8]>()
        let dict = FuzzLayout.root.appendingPathComponent("dicts").appendingPathComponent("\(format).dict")
        if let text = try? String(contentsOf: dict, encoding: .utf8) {
            for line in text.split(separator: "\n") where !line.hasPrefix("#") {
                if let token = dictionaryToken(line) { tokens.insert(token) }
            }
        }
        for seed in seeds.prefix(50) {
            var word: [UInt8] = []
            for byte in seed.bytes.prefix(4_096) {
                if isWordByte(byte) {
                    word.append(byte)
                } else {
                    if !word.isEmpty, word.count <= 40 { tokens.insert(word) }
                    word.removeAll(keepingCapacity: true)
                    tokens.insert([byte])
                }
            }
            if !word.isEmpty, word.count <= 40 { tokens.insert(word) }
        }
        return tokens.sorted { $0.lexicographicallyPrecedes($1) }
    }

    static func isWordByte(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == 0x5F || byte >= 0x80
    }

    /// `"text"` or `name="text"`, with `\\`, `\"` and `\xNN` escapes (libFuzzer's dictionary syntax).
    static func dictionaryToken(_ line: Substring) -> [UInt8]? {
        guard let open = line.firstIndex(of: "\""), let close = line.lastIndex(of: "\""), open < close else { return nil }
        let body = Array(line[line.index(after: open)..<close].utf8)
        var token: [UInt8] = []
        var i = 0
        while i < body.count {
            if body[i] == UInt8(ascii: "\\"), i + 1 < body.count {
                if body[i + 1] == UInt8(ascii: "x"), i + 3 < body.count,
                    let value = UInt8(String(decoding: body[(i + 2)...(i + 3)], as: UTF8.self), radix: 16) {
                    token.append(value)
                    i += 4
                } else {
                    token.append(body[i + 1])
                    i += 2
                }
            } else {
                token.append(body[i])
                i += 1
            }
        }
        return token.isEmpty ? nil : token
    }
}

/// Random payloads: uniform bytes, printable text heavy in structural characters, and sequences of
/// the format's tokens.
enum ByteSoup {
    static let structural = Array("{}[]()<>\"':,;=/\\ \t\r\n.-+#&?!@*%$_eE0123456789".utf8)

    static func make(_ generator: inout SeededGenerator, tokens: [[UInt8]]) -> [UInt8] {
        var bytes: [UInt8] = []
        switch generator.below(tokens.isEmpty ? 2 : 4) {
        case 0:
            for _ in 0..<generator.below(257) { bytes.append(UInt8.random(in: 0...255, using: &generator)) }
        case 1:
            for _ in 0..<generator.below(257) {
                bytes.append(generator.below(3) == 0
                    ? structural[generator.below(structural.count)]
                    : UInt8.random(in: 0x20...0x7E, using: &generator))
            }
        default:
            for _ in 0..<(1 + generator.below(60)) {
                if generator.below(5) == 0 {
                    bytes.append(structural[generator.below(structural.count)])
                } else {
                    bytes += tokens[generator.below(tokens.count)]
                }
            }
        }
        return bytes
    }
}

/// Stacked random edits of a seed: bit flips, truncations, duplications, insertions of structural
/// characters and of the format's tokens, deletions, odd numbers, splices with another seed.
struct Mutator {
    let tokens: [[UInt8]]
    static let oddities: [[UInt8]] = [
        "\u{0}", "1e999", "-1e999", "-0", "NaN", "Infinity", "1e-400", "99999999999999999999999", "0x10", "1_000",
        "\"", "\\", "\\u0000", "\\ud800", "]]>", "<!--", "&amp;", "&#0;", "\r\n", "\r", "\n\n", ",,", ";", "\u{FEFF}",
        "9223372036854775807", "-9223372036854775809", "1.7976931348623157e309", "4.9e-324", "253402300800000",
        "1970-01-01T00:00:00Z", "9999-12-31T23:59:59.999Z", "2026-11-27T08:00:00+14:00", "true", "null", "i", "u",
    ].map { Array($0.utf8) } + [[0xFF], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82]]
    static let maxSize = 65_536

    mutating func mutate(_ input: [UInt8], others: [Seed], using generator: inout SeededGenerator) -> [UInt8] {
        var bytes = input
        for _ in 0..<(1 + generator.below(4)) {
            let at = bytes.isEmpty ? 0 : generator.below(bytes.count + 1)
            switch generator.below(10) {
            case 0 where !bytes.isEmpty:  // flip one bit
                let index = generator.below(bytes.count)
                bytes[index] ^= 1 << UInt8(generator.below(8))
            case 1:  // truncate
                bytes = Array(bytes.prefix(at))
            case 2 where !bytes.isEmpty:  // duplicate a slice in place
                let start = generator.below(bytes.count)
                let end = min(bytes.count, start + 1 + generator.below(64))
                let copies = 1 + generator.below(generator.below(8) == 0 ? 50 : 3)
                let slice = Array(bytes[start..<end])
                for _ in 0..<copies where bytes.count + slice.count <= Self.maxSize { bytes.insert(contentsOf: slice, at: end) }
            case 3:  // structural characters
                for _ in 0..<(1 + generator.below(3)) {
                    bytes.insert(ByteSoup.structural[generator.below(ByteSoup.structural.count)], at: min(at, bytes.count))
                }
            case 4 where !bytes.isEmpty:  // delete a slice
                let start = generator.below(bytes.count)
                bytes.removeSubrange(start..<min(bytes.count, start + 1 + generator.below(16)))
            case 5:  // an odd number or byte sequence
                bytes.insert(contentsOf: Self.oddities[generator.below(Self.oddities.count)], at: at)
            case 6 where !tokens.isEmpty:  // a token of the format
                bytes.insert(contentsOf: tokens[generator.below(tokens.count)], at: at)
            case 7 where !others.isEmpty:  // splice with another seed
                let other = others[generator.below(others.count)].bytes
                bytes = Array(bytes.prefix(at)) + other.suffix(other.isEmpty ? 0 : generator.below(other.count + 1))
            case 8:  // replace a run of digits by an odd number
                if let start = bytes[min(at, bytes.count)...].firstIndex(where: { $0 >= 0x30 && $0 <= 0x39 }) {
                    var end = start
                    while end < bytes.count, bytes[end] >= 0x30 && bytes[end] <= 0x39 || bytes[end] == 0x2E { end += 1 }
                    bytes.replaceSubrange(start..<end, with: Self.oddities[generator.below(12)])
                }
            default:  // overwrite a byte with anything
                if !bytes.isEmpty { bytes[generator.below(bytes.count)] = UInt8.random(in: 0...255, using: &generator) }
            }
        }
        return bytes.count > Self.maxSize ? Array(bytes.prefix(Self.maxSize)) : bytes
    }
}

// MARK: - findings and the hang guard

/// Inputs that broke a promise; the first few are kept whole for the report.
struct Findings: Sendable {
    struct Finding: Sendable {
        let label: String
        let payload: [UInt8]
        let violations: [String]
    }

    private(set) var kept: [Finding] = []
    private(set) var count = 0

    mutating func check(_ route: RouteUnderTest, _ payload: [UInt8], label: String) {
        let violations = route.check(payload).violations
        guard !violations.isEmpty else { return }
        count += 1
        if kept.count < 3 { kept.append(Finding(label: label, payload: payload, violations: violations)) }
    }

    /// Writes a failing input to a temporary file and returns its path.
    static func save(_ payload: [UInt8], format: String) -> String {
        let name = "robustness-\(format.replacingOccurrences(of: "/", with: "-"))-\(UUID().uuidString.prefix(8))"
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(name)
        do {
            try Data(payload).write(to: url)
            return url.path
        } catch {
            return "(not saved: \(error))"
        }
    }
}

/// Runs a batch of decodes on a thread of its own and waits for it with a deadline, so that a
/// decoder stuck in a loop fails the test with the input it is stuck on, instead of hanging the
/// whole suite. The deadline is generous (the batches take well under a second): it means "never",
/// not "too slow" — speed is the benchmark's business (bench/decode). A stuck thread is left
/// behind; the test process ends anyway.
enum HangGuard {
    static let deadlineSeconds = 120.0

    enum Outcome<Value: Sendable>: Sendable {
        case finished(Value)
        case hung(label: String, payload: [UInt8], seconds: Double)
    }

    /// What the batch is decoding right now.
    final class Progress: Sendable {
        let current = Mutex<(String, [UInt8])>(("(not started)", []))
        func enter(_ label: String, _ payload: [UInt8]) { current.withLock { $0 = (label, payload) } }
    }

    /// The batch's result, handed from its thread to the waiting one.
    final class ResultBox<Value: Sendable>: Sendable {
        let value = Mutex<Value?>(nil)
    }

    static func run<Value: Sendable>(label: String, _ body: @escaping @Sendable (Progress) -> Value) -> Outcome<Value> {
        let progress = Progress()
        let result = ResultBox<Value>()
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            let value = body(progress)
            result.value.withLock { $0 = value }
            done.signal()
        }
        thread.name = "robustness \(label)"
        thread.stackSize = 8 << 20  // as the main thread's: deep inputs must not fail for a small stack only here
        thread.start()
        guard done.wait(timeout: .now() + deadlineSeconds) == .success, let value = result.value.withLock({ $0 }) else {
            let (current, payload) = progress.current.withLock { $0 }
            return .hung(label: current, payload: payload, seconds: deadlineSeconds)
        }
        return .finished(value)
    }
}

/// Bytes shown in a message: UTF-8 text with escapes for the rest, cut to `limit` bytes.
enum Escaped {
    static func text(_ bytes: [UInt8], limit: Int) -> String {
        let shown = String(decoding: bytes.prefix(limit), as: UTF8.self).unicodeScalars
            .map { $0.escaped(asASCII: false) }.joined()
        return "\"\(shown)\"" + (bytes.count > limit ? " … (\(bytes.count) bytes)" : " (\(bytes.count) bytes)")
    }
}

// MARK: - round trips

/// What a reading is compared on after a round trip: everything an encoder wrote.
struct ReadingKey: Hashable, Sendable, CustomStringConvertible {
    let utility: Utility
    let site: String
    let device: String
    let metric: String
    let value: Double
    let unit: String
    let timestamp: EpochMillis

    init(utility: Utility, site: String, device: String, metric: String, value: Double, unit: String, timestamp: EpochMillis) {
        (self.utility, self.site, self.device, self.metric) = (utility, site, device, metric)
        (self.value, self.unit, self.timestamp) = (value, unit, timestamp)
    }

    init(_ reading: Reading) {
        self.init(utility: reading.utility, site: reading.site, device: reading.device, metric: reading.metric,
                  value: reading.value, unit: reading.unit, timestamp: reading.timestamp)
    }

    /// Equal, with `value` allowed to differ by `tolerance` relative to its magnitude.
    func matches(_ other: ReadingKey, tolerance: Double) -> Bool {
        utility == other.utility && site == other.site && device == other.device && metric == other.metric
            && unit == other.unit && timestamp == other.timestamp
            && (value == other.value || abs(value - other.value) <= tolerance * max(abs(value), abs(other.value)))
    }

    var description: String {
        "\(utility.rawValue) \(site.debugDescription) \(device.debugDescription) \(metric)=\(value) \(unit) @\(RFC3339.format(timestamp))"
    }
}

/// Readings as one device's record: the unit of encoding in every format below.
struct RecordSpec: Sendable {
    var utility: Utility
    var site: String
    var device: String
    var timestamp: EpochMillis
    /// (metric index into ``RoundTrip/metrics``, value), in the route's metric order.
    var values: [(metric: Int, value: Double)]
}

/// A message to encode and the readings its decode must give.
struct RoundTripMessage: Sendable {
    var records: [RecordSpec]
    var expected: [ReadingKey] {
        records.flatMap { record in
            record.values.map { entry in
                let metric = RoundTrip.metrics[entry.metric]
                return ReadingKey(utility: record.utility, site: record.site, device: record.device, metric: metric.name,
                                  value: entry.value, unit: metric.unit, timestamp: record.timestamp)
            }
        }
    }
}

/// One format's encoder with the route that reads what it writes.
struct RoundTrip: Sendable, CustomTestStringConvertible {
    let name: String
    let format: String
    let routeYAML: String
    /// Whether every record carries every metric (formats whose records must hold all of them).
    let allMetrics: Bool
    /// Records per message.
    let records: ClosedRange<Int>
    /// Which characters identities may use in this format.
    let identity: IdentityAlphabet
    /// How far (relative) a decoded value may be from the encoded one: 0, exact, for the formats
    /// read by the adapters' own number parser, which rounds correctly.
    var tolerance = 0.0
    /// The utility and site when the route sets them (from constants or the topic), not the payload.
    var fixedUtilitySite: (Utility, String)? = nil
    let encode: @Sendable (RoundTripMessage) -> [UInt8]

    var testDescription: String { name }

    /// The route metrics every encoder writes, in canonical units so values compare exactly.
    static let metrics: [(name: String, unit: String)] = [("pressure", "kPa"), ("flow", "m3/h"), ("chlorine_free", "mg/L")]

    func makeMessage(_ generator: inout SeededGenerator) -> RoundTripMessage {
        var (utility, site) = (Utility.allCases[generator.below(Utility.allCases.count)], identity.make(&generator))
        if let fixed = fixedUtilitySite { (utility, site) = fixed }
        var specs: [RecordSpec] = []
        for _ in 0..<Int.random(in: records, using: &generator) {
            var values: [(Int, Double)] = []
            for index in RoundTrip.metrics.indices where allMetrics || generator.below(3) != 0 {
                values.append((index, Values.make(&generator)))
            }
            if values.isEmpty { values.append((generator.below(RoundTrip.metrics.count), Values.make(&generator))) }
            // Within the default window: up to 7 days back, 5 minutes ahead.
            let offset = EpochMillis(generator.below(7 * 86_400_000 - 1)) - 6 * 86_400_000
            specs.append(RecordSpec(
                utility: utility, site: site, device: identity.make(&generator),
                timestamp: RouteUnderTest.defaultReceivedAt + min(offset, 240_000), values: values))
        }
        return RoundTripMessage(records: specs)
    }

    static let all: [RoundTrip] = [json, influx, csv, senml, xml]

    /// Like the simulator's feed (simulators/utility-sim/SensorFeed.swift), several devices per
    /// message under `json.each`, with the site at the root and RFC 3339 times.
    static let json = RoundTrip(
        name: "json", format: "json",
        routeYAML: """
            id: rt-json
            topic: "fuzz/#"
            format: json
            utility: "{payload.$.utility}"
            site: "{payload.$.site}"
            device: "{payload.device}"
            timestamp: { path: ts, format: rfc3339 }
            metrics:
              - { name: pressure, path: values.pressure, unit: kPa }
              - { name: flow, path: values.flow, unit: m3/h }
              - { name: chlorine_free, path: values.chlorine_free, unit: mg/L }
            json:
              each: "devices[*]"
            """,
        allMetrics: true, records: 1...4, identity: .unicode,
        // The JSON reader converts numbers exactly (DecimalText), so the round trip is bit-exact —
        // unlike Foundation's JSONSerialization, which was a few ulps off at 16-17 digits.
        tolerance: 0
    ) { message in
        let first = message.records[0]
        let devices = message.records.map { record in
            let values = record.values.map { "\"\(metrics[$0.metric].name)\":\(Values.text($0.value))" }.joined(separator: ",")
            return #"{"device":\#(JSONText.quoted(record.device)),"ts":"\#(RFC3339.format(record.timestamp))","values":{\#(values)}}"#
        }
        return Array(#"{"utility":"\#(first.utility.rawValue)","site":\#(JSONText.quoted(first.site)),"devices":[\#(devices.joined(separator: ","))]}"#.utf8)
    }

    /// Telegraf-style line protocol, one line per record, millisecond timestamps, escaped tags.
    static let influx = RoundTrip(
        name: "influx", format: "influx",
        routeYAML: """
            id: rt-influx
            topic: "fuzz/#"
            format: influx
            utility: "{payload.tags.utility}"
            site: "{payload.tags.site}"
            device: "{payload.tags.device}"
            metrics:
              - { name: pressure, path: pressure, unit: kPa }
              - { name: flow, path: flow, unit: m3/h }
              - { name: chlorine_free, path: chlorine_free, unit: mg/L }
            influx:
              precision: ms
              measurement: "utility meter"
            """,
        allMetrics: false, records: 1...6, identity: .unicode
    ) { message in
        let lines = message.records.map { record in
            func escaped(_ text: String) -> String {
                var out = ""
                for character in text {
                    if character == "," || character == "=" || character == " " || character == "\\" { out.append("\\") }
                    out.append(character)
                }
                return out
            }
            let fields = record.values.map { "\(metrics[$0.metric].name)=\(Values.text($0.value))" }.joined(separator: ",")
            return "utility\\ meter,device=\(escaped(record.device)),site=\(escaped(record.site)),utility=\(record.utility.rawValue) \(fields) \(record.timestamp)"
        }
        return Array((lines.joined(separator: "\n") + "\n").utf8)
    }

    /// RFC 4180 CSV with a header; a metric a record lacks is an empty cell.
    static let csv = RoundTrip(
        name: "csv", format: "csv",
        routeYAML: """
            id: rt-csv
            topic: "fuzz/#"
            format: csv
            utility: "{payload.utility}"
            site: "{payload.site}"
            device: "{payload.device}"
            timestamp: { path: time, format: rfc3339 }
            metrics:
              - { name: pressure, path: pressure, unit: kPa }
              - { name: flow, path: flow, unit: m3/h }
              - { name: chlorine_free, path: chlorine_free, unit: mg/L }
            """,
        allMetrics: false, records: 1...8, identity: .unicode
    ) { message in
        func cell(_ text: String) -> String {
            text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) || text.first == " " || text.last == " "
                ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
        }
        var text = "utility,site,device,time,pressure,flow,chlorine_free\r\n"
        for record in message.records {
            var cells = [record.utility.rawValue, cell(record.site), cell(record.device), RFC3339.format(record.timestamp)]
            for index in metrics.indices {
                cells.append(record.values.first { $0.metric == index }.map { Values.text($0.value) } ?? "")
            }
            text += cells.joined(separator: ",") + "\r\n"
        }
        return Array(text.utf8)
    }

    /// A SenML pack per device (RFC 8428): base name, base time in seconds with milliseconds, one
    /// record per value with its unit.
    static let senml = RoundTrip(
        name: "senml", format: "senml",
        routeYAML: """
            id: rt-senml
            topic: "fuzz/#"
            format: senml
            utility: water
            site: "{topic.1}"
            device: "{payload.bn}"
            metrics:
              - { name: pressure, path: pressure }
              - { name: flow, path: flow }
              - { name: chlorine_free, path: chlorine_free }
            """,
        allMetrics: false, records: 1...1, identity: .senmlName, fixedUtilitySite: (.water, "site-1")
    ) { message in
        let record = message.records[0]
        let seconds = Double(record.timestamp) / 1000
        let entries = record.values.enumerated().map { position, entry in
            let base = position == 0 ? #""bn":"\#(record.device):","bt":\#(Values.text(seconds)),"# : ""
            return #"{\#(base)"n":"\#(metrics[entry.metric].name)","u":"\#(metrics[entry.metric].unit)","v":\#(Values.text(entry.value))}"#
        }
        return Array("[\(entries.joined(separator: ","))]".utf8)
    }

    /// An XML document of readings, escaped attributes and text, records selected by `xml.each`.
    static let xml = RoundTrip(
        name: "xml", format: "xml",
        routeYAML: """
            id: rt-xml
            topic: "fuzz/#"
            format: xml
            utility: "{payload.../@utility}"
            site: "{payload.../Site}"
            device: "{payload.@device}"
            timestamp: { path: "@time", format: rfc3339 }
            metrics:
              - { name: pressure, path: Pressure, unit: kPa }
              - { name: flow, path: Flow, unit: m3/h }
              - { name: chlorine_free, path: "Value[@kind='chlorine']", unit: mg/L }
            xml:
              each: /Readings/Reading
            """,
        allMetrics: true, records: 1...4, identity: .unicode
    ) { message in
        func escaped(_ text: String) -> String {
            text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
                .replacingOccurrences(of: "'", with: "&apos;")
        }
        let first = message.records[0]
        var text = #"<?xml version="1.0" encoding="UTF-8"?>"# + "\n"
        text += #"<Readings utility="\#(first.utility.rawValue)"><Site>\#(escaped(first.site))</Site>"#
        for record in message.records {
            text += #"<Reading device="\#(escaped(record.device))" time="\#(RFC3339.format(record.timestamp))">"#
            for entry in record.values {
                let value = Values.text(entry.value)
                switch entry.metric {
                case 0: text += "<Pressure>\(value)</Pressure>"
                case 1: text += "<Flow> \(value) </Flow>"
                default: text += #"<Value kind="chlorine">\#(value)</Value>"#
                }
            }
            text += "</Reading>"
        }
        return Array((text + "</Readings>\n").utf8)
    }
}

/// Characters a round trip's identities are drawn from: every format must carry these unchanged.
enum IdentityAlphabet: Sendable {
    /// Letters, digits, punctuation that needs escaping in one format or another, and non-ASCII.
    case unicode
    /// RFC 8428 names: `A-Z a-z 0-9 - : . / _`, starting with a letter or digit.
    case senmlName

    func make(_ generator: inout SeededGenerator) -> String {
        let plain = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        let extra: [Character]
        switch self {
        case .unicode: extra = Array("-_.:/ ,=\"'\\&<>#+{}()[]%;äüß水電瓦斯€😀")
        case .senmlName: extra = Array("-._")
        }
        var text = String(plain[generator.below(plain.count)])
        for _ in 0..<generator.below(24) {
            text.append(generator.below(3) == 0 ? extra[generator.below(extra.count)] : plain[generator.below(plain.count)])
        }
        // Identities are compared exactly; trailing blanks are trimmed by some formats (CSV), so
        // end on a letter as the first character does.
        text.append(plain[generator.below(26)])
        return text
    }
}

/// Reading values across the shapes devices send: integers, a few decimals, full-precision
/// doubles (which defeat fast decimal paths), and large and small magnitudes.
enum Values {
    static func make(_ generator: inout SeededGenerator) -> Double {
        let sign: Double = generator.below(4) == 0 ? -1 : 1
        switch generator.below(6) {
        case 0: return sign * Double(generator.below(100_000))
        case 1: return sign * Double(generator.below(10_000_000)) / 1_000
        case 2: return sign * Double.random(in: 0..<1_000, using: &generator)
        case 3: return sign * Double.random(in: 1..<10, using: &generator) * pow(10, Double(generator.below(61) - 30))
        case 4: return sign * Double(generator.below(1 << 30)) * pow(10, Double(generator.below(9) - 4))
        default: return 0
        }
    }

    /// Swift's shortest round-tripping spelling (`12.5`, `1e-05`, `1.2345e+20`): valid JSON, line
    /// protocol, CSV and XML number text alike.
    static func text(_ value: Double) -> String { "\(value)" }
}

enum JSONText {
    /// A JSON string literal (RFC 8259): quotes, backslashes and controls escaped, the rest as is.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\u{0}"..."\u{1F}": out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
