// api-bench — an HTTP load client for the gateway's API: N concurrent clients issue GET requests
// from a list of paths against one base URL, for a duration or a number of requests, and it prints
// latency percentiles, requests/s and failures (release build; driven by bench/api).
//
//   swift build -c release --scratch-path .build-bench --product api-bench
//   .build-bench/release/api-bench --url http://127.0.0.1:8480 --paths paths.txt --concurrency 50 --duration 30
//
// Paths come from `--path P` (repeatable) and/or `--paths FILE` (one per line; blank lines and `#`
// comments skipped), and are issued in list order, round-robin over all clients: request n uses
// path n mod count — so a file with one `/api/v1/status` per ten lines is a 10 % mix. With
// `--pages N`, each request starts a walk that follows the response's `X-Next-Cursor` (the
// `next_cursor` of the JSON body, which the API also sends as a header) for up to N pages; every
// page is one timed request, and the walk's total is reported as well.
//
// Latency is measured per request with ContinuousClock from just before `execute` to the last body
// byte, so it includes queueing in the client's connection pool only when there are more clients
// than connections (there are not: the pool allows one HTTP/1.1 connection per client). Requests/s
// is completed requests over the wall time of the measured phase. `--warmup N` issues N requests
// first (same concurrency, not measured). A request is a failure when the status is not 200 or
// the request did not complete (a transport error or `--timeout`).
//
// Output: a summary for people, then one JSON line (`{"bench":"api",...}`) as the last line.
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

// MARK: - arguments

struct Options {
    var baseURL = ""
    var paths: [String] = []
    var concurrency = 1
    var duration: Double?
    var requests: Int?
    var warmup = 0
    var pages = 1
    var timeoutSeconds = 10.0
    var threads = 1
    var label = "api"
}

func parseOptions() -> Options {
    var options = Options()
    var args = CommandLine.arguments.dropFirst()
    func fail(_ message: String) -> Never {
        FileHandle.standardError.write(
            Data(
                ("api-bench: \(message)\nusage: api-bench --url http://127.0.0.1:PORT (--path P ... | --paths FILE) "
                    + "[--concurrency N] [--duration SECONDS | --requests N] [--warmup N] [--pages N] "
                    + "[--timeout SECONDS] [--threads N] [--label NAME]\n").utf8))
        exit(2)
    }
    func value(_ name: String) -> String {
        guard let text = args.popFirst() else { fail("\(name) needs a value") }
        return text
    }
    func positiveInt(_ name: String, allowZero: Bool = false) -> Int {
        let text = value(name)
        guard let n = Int(text.replacingOccurrences(of: "_", with: "")), n > 0 || (allowZero && n == 0) else {
            fail("\(name) needs a \(allowZero ? "non-negative" : "positive") whole number, got '\(text)'")
        }
        return n
    }
    func positiveDouble(_ name: String) -> Double {
        let text = value(name)
        guard let n = Double(text), n > 0, n.isFinite else { fail("\(name) needs a positive number, got '\(text)'") }
        return n
    }
    while let arg = args.popFirst() {
        switch arg {
        case "--url": options.baseURL = value(arg)
        case "--path": options.paths.append(value(arg))
        case "--paths":
            let file = value(arg)
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { fail("cannot read --paths file '\(file)'") }
            options.paths += text.split(whereSeparator: \.isNewline)
                .map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty && !$0.hasPrefix("#") }
        case "--concurrency": options.concurrency = positiveInt(arg)
        case "--duration": options.duration = positiveDouble(arg)
        case "--requests": options.requests = positiveInt(arg)
        case "--warmup": options.warmup = positiveInt(arg, allowZero: true)
        case "--pages": options.pages = positiveInt(arg)
        case "--timeout": options.timeoutSeconds = positiveDouble(arg)
        case "--threads": options.threads = positiveInt(arg)
        case "--label": options.label = value(arg)
        case "--help", "-h": fail("help")
        default: fail("unknown argument '\(arg)'")
        }
    }
    guard options.baseURL.hasPrefix("http://") || options.baseURL.hasPrefix("https://") else {
        fail("--url must be http://host:port or https://host:port, got '\(options.baseURL)'")
    }
    while options.baseURL.hasSuffix("/") { options.baseURL.removeLast() }
    guard !options.paths.isEmpty else { fail("give at least one --path or a --paths file") }
    if let bad = options.paths.first(where: { !$0.hasPrefix("/") }) { fail("paths start with '/', got '\(bad)'") }
    if options.duration == nil && options.requests == nil { fail("give --duration or --requests") }
    return options
}

// MARK: - measuring

extension Duration {
    var milliseconds: Double { Double(components.seconds) * 1000 + Double(components.attoseconds) * 1e-15 }
}

/// Nearest-rank percentile of sorted values.
func percentile(_ sorted: [Double], _ p: Double) -> Double {
    guard !sorted.isEmpty else { return 0 }
    let rank = Int((p / 100 * Double(sorted.count)).rounded(.up)) - 1
    return sorted[min(sorted.count - 1, max(0, rank))]
}

/// What one client saw.
struct Tally: Sendable {
    /// Latency of each completed request, ms, with the route (path without the query) it went to.
    var latencies: [(route: String, ms: Double)] = []
    /// Total time of each cursor walk (`--pages` > 1), ms, and how many pages each got.
    var walks: [(ms: Double, pages: Int)] = []
    var non200 = 0
    var failed = 0
    var statusCounts: [UInt: Int] = [:]
    var bodyBytes = 0
    var firstError: String?

    mutating func merge(_ other: Tally) {
        latencies += other.latencies
        walks += other.walks
        non200 += other.non200
        failed += other.failed
        statusCounts.merge(other.statusCounts, uniquingKeysWith: +)
        bodyBytes += other.bodyBytes
        firstError = firstError ?? other.firstError
    }
}

/// Hands out request numbers to the clients until the phase's request budget or deadline is spent.
final class Dispenser: Sendable {
    private let next = Atomic<Int>(0)
    let limit: Int?
    let deadline: ContinuousClock.Instant?

    init(limit: Int?, deadline: ContinuousClock.Instant?) {
        self.limit = limit
        self.deadline = deadline
    }

    /// The next request number, or nil when the phase is over.
    func take() -> Int? {
        if let deadline, ContinuousClock.now >= deadline { return nil }
        let n = next.add(1, ordering: .relaxed).oldValue
        if let limit, n >= limit { return nil }
        return n
    }
}

/// One GET: status, the next cursor header, body size; throws on transport errors and timeouts.
func get(_ client: HTTPClient, _ url: String, timeout: TimeAmount) async throws -> (status: UInt, next: String?, bytes: Int) {
    let request = HTTPClientRequest(url: url)
    let response = try await client.execute(request, timeout: timeout)
    let body = try await response.body.collect(upTo: 64 << 20)
    return (response.status.code, response.headers.first(name: "X-Next-Cursor"), body.readableBytes)
}

/// The route of a path: what precedes its query.
func route(of path: String) -> String { String(path.prefix { $0 != "?" }) }

/// `path` with its `cursor` parameter set to `cursor`.
func withCursor(_ path: String, _ cursor: String) -> String {
    let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
    let encoded = cursor.addingPercentEncoding(withAllowedCharacters: allowed) ?? cursor
    return path + (path.contains("?") ? "&" : "?") + "cursor=" + encoded
}

/// Runs one phase: `concurrency` clients taking request numbers from `dispenser`.
func runPhase(_ options: Options, client: HTTPClient, dispenser: Dispenser) async -> (Tally, seconds: Double) {
    let started = ContinuousClock.now
    let timeout = TimeAmount.nanoseconds(Int64(options.timeoutSeconds * 1e9))
    let tally = await withTaskGroup(of: Tally.self) { group in
        for _ in 0..<options.concurrency {
            group.addTask {
                var tally = Tally()
                while let n = dispenser.take() {
                    let first = options.paths[n % options.paths.count]
                    var path = first
                    let walkStart = ContinuousClock.now
                    var pages = 0
                    while true {
                        let requestStart = ContinuousClock.now
                        do {
                            let answer = try await get(client, options.baseURL + path, timeout: timeout)
                            let ms = (ContinuousClock.now - requestStart).milliseconds
                            tally.latencies.append((route(of: path), ms))
                            tally.statusCounts[answer.status, default: 0] += 1
                            tally.bodyBytes += answer.bytes
                            pages += 1
                            guard answer.status == 200 else {
                                tally.non200 += 1
                                if tally.firstError == nil { tally.firstError = "HTTP \(answer.status) for \(path)" }
                                break
                            }
                            guard pages < options.pages, let next = answer.next else { break }
                            path = withCursor(first, next)
                        } catch {
                            tally.failed += 1
                            if tally.firstError == nil { tally.firstError = "\(error) for \(path)" }
                            break
                        }
                    }
                    if options.pages > 1 { tally.walks.append(((ContinuousClock.now - walkStart).milliseconds, pages)) }
                }
                return tally
            }
        }
        var total = Tally()
        for await part in group { total.merge(part) }
        return total
    }
    return (tally, (ContinuousClock.now - started).milliseconds / 1000)
}

// MARK: - report

struct Stats {
    var count: Int
    var p50: Double
    var p90: Double
    var p99: Double
    var max: Double
    var mean: Double

    init(_ values: [Double]) {
        let sorted = values.sorted()
        count = sorted.count
        p50 = percentile(sorted, 50)
        p90 = percentile(sorted, 90)
        p99 = percentile(sorted, 99)
        max = sorted.last ?? 0
        mean = sorted.isEmpty ? 0 : sorted.reduce(0, +) / Double(sorted.count)
    }

    var json: [String: Any] {
        ["count": count, "p50_ms": round3(p50), "p90_ms": round3(p90), "p99_ms": round3(p99), "max_ms": round3(max), "mean_ms": round3(mean)]
    }

    var text: String {
        "p50 \(fixed(p50)) ms, p90 \(fixed(p90)) ms, p99 \(fixed(p99)) ms, max \(fixed(max)) ms"
    }
}

func round3(_ value: Double) -> Double { (value * 1000).rounded() / 1000 }
func fixed(_ value: Double, _ decimals: Int = 2) -> String { String(format: "%.\(decimals)f", value) }

// MARK: - main

let options = parseOptions()
let group = MultiThreadedEventLoopGroup(numberOfThreads: options.threads)
var configuration = HTTPClient.Configuration()
configuration.connectionPool = .init(
    idleTimeout: .seconds(120), concurrentHTTP1ConnectionsPerHostSoftLimit: max(8, options.concurrency))
configuration.decompression = .disabled
let client = HTTPClient(eventLoopGroup: group, configuration: configuration)

if options.warmup > 0 {
    var warm = options
    warm.pages = 1
    let (tally, _) = await runPhase(warm, client: client, dispenser: Dispenser(limit: options.warmup, deadline: nil))
    if let error = tally.firstError { FileHandle.standardError.write(Data("api-bench: warm-up: \(error)\n".utf8)) }
}
let deadline = options.duration.map { ContinuousClock.now.advanced(by: .milliseconds(Int64($0 * 1000))) }
let (tally, seconds) = await runPhase(options, client: client, dispenser: Dispenser(limit: options.requests, deadline: deadline))
_ = try? await client.shutdown().get()
try? await group.shutdownGracefully()

let all = Stats(tally.latencies.map(\.ms))
let completed = tally.latencies.count
let rate = seconds > 0 ? Double(completed) / seconds : 0
var byRoute: [String: Any] = [:]
for (name, entries) in Dictionary(grouping: tally.latencies, by: \.route).sorted(by: { $0.key < $1.key }) {
    byRoute[name] = Stats(entries.map(\.ms)).json
}
print(
    "\(options.label): \(completed) requests in \(fixed(seconds, 1)) s at concurrency \(options.concurrency): "
        + "\(fixed(rate, 1)) req/s; \(all.text); non-200 \(tally.non200), failed \(tally.failed)"
        + (completed > 0 ? "; \(tally.bodyBytes / completed) bytes/response" : ""))
if byRoute.count > 1 {
    for (name, entries) in Dictionary(grouping: tally.latencies, by: \.route).sorted(by: { $0.key < $1.key }) {
        print("  \(name): \(entries.count) requests, \(Stats(entries.map(\.ms)).text)")
    }
}
var json: [String: Any] = [
    "bench": "api", "label": options.label, "concurrency": options.concurrency, "seconds": round3(seconds),
    "requests": completed, "requests_per_s": (rate * 10).rounded() / 10, "latency": all.json, "non_200": tally.non200,
    "failed": tally.failed, "errors": tally.non200 + tally.failed, "body_bytes_per_response": completed > 0 ? tally.bodyBytes / completed : 0,
    "status_counts": Dictionary(uniqueKeysWithValues: tally.statusCounts.map { (String($0.key), $0.value) }),
    "by_route": byRoute,
]
if options.pages > 1 {
    let walks = Stats(tally.walks.map(\.ms))
    let complete = tally.walks.filter { $0.pages == options.pages }.count
    print("  walks of up to \(options.pages) pages: \(walks.count) (\(complete) reached page \(options.pages)), total \(walks.text)")
    json["pages"] = options.pages
    json["walks"] = walks.json.merging(["complete": complete]) { $1 }
}
if let error = tally.firstError {
    print("  first failure: \(error)")
    json["first_failure"] = error
}
if let data = try? JSONSerialization.data(withJSONObject: json, options: [.sortedKeys]) {
    print(String(decoding: data, as: UTF8.self))
}
exit(tally.non200 + tally.failed == 0 ? 0 : 1)
