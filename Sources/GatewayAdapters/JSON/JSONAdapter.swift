import Foundation
import GatewayCore

/// Reads JSON payloads (`format: json`). By default the whole document is one record; with
/// `json.each` every element the path selects is a record of its own, with paths relative to it
/// (`$.` reaches back to the document's root).
///
/// Options (`json:` on the route):
/// - `each` (none): a path with `[*]` selecting the records, e.g. `readings[*]`.
/// - `numbers_as_strings` (false): accept `"12.5"` where a number is expected.
/// - `booleans_as_numbers` (false): store `true`/`false` as 1/0.
/// - `max_depth` (64): deeper nesting is quarantined (`limit_exceeded`) before a deeper level is built.
///
/// Parsing uses `JSONReader` on the shared `JSONTokenizer` (why not Foundation's `JSONSerialization`,
/// with figures, is at the top of JSONReader.swift). The payload's UTF-8 is checked once up front,
/// and the reader stops at `max_depth` as it reads, so hostile nesting never becomes a tree. A
/// payload in UTF-16 or UTF-32, which Foundation's parser detects and reads, still goes to
/// Foundation — after a depth pre-scan, since Foundation builds its tree before anyone can count.
struct JSONAdapter: PayloadAdapter {
    static let optionKeys = ["each", "numbers_as_strings", "booleans_as_numbers", "max_depth"]

    let mapper: RecordMapper<JSONPath>
    let each: JSONPath?
    let maxDepth: Int

    /// Validates a route's JSON options once and builds its adapter, or lists every problem.
    static func make(route: RouteConfiguration) -> Result<any PayloadAdapter, RouteConfigurationErrors> {
        let reader = OptionReader(route: route, keys: optionKeys)
        var behaviour = RecordMapper<JSONPath>.Behaviour()
        behaviour.numbersAsStrings = reader.bool("numbers_as_strings", default: false)
        behaviour.booleansAsNumbers = reader.bool("booleans_as_numbers", default: false)
        let maxDepth = reader.int("max_depth", default: 64, range: 1...512)
        var each: JSONPath?
        if let text = reader.string("each") {
            switch JSONPath.parse(text, wildcards: true) {
            case .success(let path): each = path
            case .failure(let error): reader.fail("each", error.message)
            }
        }
        let mapper = RecordMapper.make(route: route, behaviour: behaviour, reader: reader) { JSONPath.parse($0) }
        guard let mapper, reader.errors.isEmpty else { return .failure(reader.failure ?? RouteConfigurationErrors([])) }
        return .success(JSONAdapter(mapper: mapper, each: each, maxDepth: maxDepth))
    }

    func decode(_ message: InboundMessage) -> DecodeOutcome {
        let parsed: Result<JSONValue, DecodeFailure>
        if Self.mayBeWideEncoding(message.payload) {
            // Foundation builds its tree before anyone can count: the depth is checked first here.
            // `JSONReader` counts as it reads, so UTF-8 payloads need no second pass.
            if JSONDepth.exceeds(message.payload, limit: maxDepth) {
                return .failure(.limitExceeded, "the JSON nests deeper than json.max_depth (\(maxDepth))")
            }
            parsed = Self.parseWithFoundation(message.payload)
        } else {
            parsed = message.payload.withUnsafeBufferPointer { bytes in
                guard UTF8Check.isValid(bytes) else {
                    return .failure(DecodeFailure(.invalidEncoding, "the payload is not valid UTF-8, so it cannot be JSON"))
                }
                switch Result(catching: { () throws(JSONTokenizer.Failure) in try JSONReader.read(bytes, maxDepth: maxDepth) }) {
                case .success(let value):
                    return .success(value)
                case .failure(.malformed(let message)):
                    return .failure(DecodeFailure(.malformed, message))
                case .failure(.tooDeep):
                    return .failure(DecodeFailure(.limitExceeded, "the JSON nests deeper than json.max_depth (\(maxDepth))"))
                }
            }
        }
        let root: JSONValue
        switch parsed {
        case .success(let value): root = value
        case .failure(let failure): return .failure(failure.reason, failure.message)
        }
        switch root {
        case .object, .array: break
        default:
            return .failure(.wrongType, "expected a JSON object or array at the top level; got \(FieldValue(json: root).kindName)")
        }
        let levels = TopicFilter.levels(of: message.topic)
        var outcome = DecodeOutcome()
        guard let each else {
            mapper.map(JSONRecord(root: root, element: root), message: message, topicLevels: levels, into: &outcome)
            return outcome
        }
        let elements = each.values(in: root)
        if elements.isEmpty {
            return .failure(.noReadings, "json.each '\(each)' selects no element")
        }
        for (index, element) in elements.enumerated() {
            mapper.map(JSONRecord(root: root, element: element), message: message, topicLevels: levels,
                       label: "element \(index)", into: &outcome)
        }
        return outcome
    }

    /// Whether Foundation's parser would read the payload as UTF-16 or UTF-32: it starts with such a
    /// byte order mark (`FE FF`, `FF FE`, `00 00 FE FF`) or has a zero byte among its first two.
    /// Neither is ever valid UTF-8 JSON, so `JSONReader` loses nothing by not seeing them.
    static func mayBeWideEncoding(_ bytes: [UInt8]) -> Bool {
        guard let first = bytes.first else { return false }
        return first == 0xFE || first == 0xFF || first == 0 || (bytes.count >= 2 && bytes[1] == 0)
    }

    /// The payload read by Foundation's `JSONSerialization`, as the format did before `JSONReader`.
    static func parseWithFoundation(_ bytes: [UInt8]) -> Result<JSONValue, DecodeFailure> {
        do {
            return .success(JSONValue(foundation: try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])))
        } catch {
            if String(validating: bytes, as: UTF8.self) == nil {
                return .failure(DecodeFailure(.invalidEncoding, "the payload is not valid UTF-8, so it cannot be JSON"))
            }
            // Foundation's parse errors keep the useful sentence in `NSDebugDescription`.
            let nsError = error as NSError
            let detail = nsError.userInfo[NSDebugDescriptionErrorKey] as? String ?? nsError.localizedDescription
            return .failure(DecodeFailure(.malformed, "not valid JSON: \(detail)"))
        }
    }
}

extension JSONValue {
    /// A value of `JSONSerialization`'s output. Foundation hands back both numbers and booleans as
    /// `NSNumber`; booleans come back as a distinct subclass whose type encoding is `c` (checked on
    /// this toolchain), which is what tells them apart.
    init(foundation value: Any) {
        switch value {
        case let number as NSNumber:
            if type(of: number) != NSNumber.self, String(cString: number.objCType) == "c" {
                self = .bool(number.boolValue)
            } else {
                self = .number(number.doubleValue)
            }
        case let string as String: self = .string(string)
        case let object as [String: Any]: self = .object(object.map { ($0.key, JSONValue(foundation: $0.value)) })
        case let array as [Any]: self = .array(array.map(JSONValue.init(foundation:)))
        default: self = .null
        }
    }
}

/// One JSON record: an element selected by `json.each`, or the whole document.
struct JSONRecord: PayloadRecord {
    let root: JSONValue
    let element: JSONValue

    func value(at path: JSONPath) -> FieldValue? {
        path.value(in: path.fromRoot ? root : element).map(FieldValue.init(json:))
    }
}
