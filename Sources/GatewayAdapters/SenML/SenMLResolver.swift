import GatewayCore

/// Applies a pack's base fields to its records in order (RFC 8428 §4.6): a base field applies to
/// its own record and every later one until another record changes it. Pure: the time of receipt
/// (for relative times) is the only input besides the records.
///
/// - name: `bn` + `n`; unit: `u`, else `bu`; numeric value: `bv` + `v`.
/// - time: `bt` + `t` seconds. At or above 2^28 it is absolute (seconds since 1970, fractions kept to
///   the millisecond); below 2^28 it is relative to now, which for the gateway is the message's time
///   of receipt (so `-5` is five seconds before receipt, and 0 — no time at all — is receipt).
/// - `bs`/`s` (sums) are not read; `ut` (update time) is ignored.
struct SenMLResolver {
    /// The SenML version this gateway reads (RFC 8428's).
    static let supportedVersion = 10.0
    /// Times below this many seconds are relative to now (RFC 8428 §4.5.3).
    static let relativeTimeLimit = 268_435_456.0

    /// What one record resolved to.
    enum Resolution: Sendable, Hashable {
        case record(SenMLResolvedRecord)
        /// A record with only base fields: it carries nothing to read.
        case baseOnly
        case failure(DecodeFailure)
    }

    let receivedAt: EpochMillis
    private var baseName: String?
    private var baseDevice: String?
    private var baseTime = 0.0
    private var baseUnit: String?
    private var baseValue = 0.0

    init(receivedAt: EpochMillis) {
        self.receivedAt = receivedAt
    }

    /// Why the whole pack must not be read, or `nil`. Checked before any record is resolved, because
    /// these problems change the meaning of the records around them:
    /// a field that must be understood (label ending in `_`, RFC 8428 §4.4), a version newer than
    /// this gateway reads, or a base field of the wrong type (every following record depends on it).
    static func packProblem(_ records: [SenMLRawRecord]) -> DecodeFailure? {
        for (index, record) in records.enumerated() {
            if let label = record.mustUnderstand {
                return DecodeFailure(.malformed,
                    "record \(index) has the field '\(label)', whose trailing '_' means it must be understood (RFC 8428 §4.4); this gateway does not know it, so the pack is not read")
            }
            if let problem = record.typeProblem, problem.isBaseField {
                return DecodeFailure(.wrongType,
                    "record \(index): base field '\(problem.label)' is \(problem.got); expected \(problem.expected). Base fields apply to the records after it, so the pack is not read")
            }
            if let version = record.baseVersion {
                guard version >= 1, version == version.rounded(.towardZero), version < 1e9 else {
                    return DecodeFailure(.malformed, "record \(index): bver \(version) is not a positive whole number")
                }
                if version > supportedVersion {
                    return DecodeFailure(.malformed,
                        "record \(index): SenML version \(Int(version)) is newer than \(Int(supportedVersion)), the version this gateway reads; RFC 8428 §4.4 forbids using the pack")
                }
            }
        }
        return nil
    }

    /// Resolves the next record of the pack (records must be given in order).
    mutating func resolve(_ raw: SenMLRawRecord, index: Int) -> Resolution {
        if let kind = raw.notAnObject {
            return .failure(DecodeFailure(.wrongType, "record \(index) is \(kind); expected a SenML record (a JSON object)"))
        }
        if let name = raw.baseName {
            baseName = name.isEmpty ? nil : name
            baseDevice = baseName.map(SenMLResolvedRecord.device(ofBaseName:))
        }
        if let time = raw.baseTime { baseTime = time }
        if let unit = raw.baseUnit { baseUnit = unit.isEmpty ? nil : unit }
        if let value = raw.baseValue { baseValue = value }

        var record = SenMLResolvedRecord(
            index: index, baseName: baseName, baseDevice: baseDevice, name: raw.name, unit: raw.unit ?? baseUnit, value: nil,
            hasSum: raw.sum != nil, timestamp: nil, isRelative: false)
        if let problem = raw.typeProblem {
            return .failure(DecodeFailure(.wrongType, "\(record.label): '\(problem.label)' is \(problem.got); expected \(problem.expected)"))
        }
        if let v = raw.value { record.value = .number(baseValue + v) }
        if let vs = raw.stringValue { record.value = .string(vs) }
        if let vb = raw.boolValue { record.value = .bool(vb) }
        if let vd = raw.dataValue { record.value = .string(vd) }
        let valueCount = (raw.value == nil ? 0 : 1) + (raw.stringValue == nil ? 0 : 1)
            + (raw.boolValue == nil ? 0 : 1) + (raw.dataValue == nil ? 0 : 1)
        if valueCount > 1 {
            let present = [raw.value != nil, raw.stringValue != nil, raw.boolValue != nil, raw.dataValue != nil]
            let labels = zip(["v", "vs", "vb", "vd"], present).filter(\.1).map(\.0)
            return .failure(DecodeFailure(.malformed,
                "\(record.label) has more than one value (\(labels.joined(separator: ", "))); a SenML record carries one"))
        }
        if record.value == nil && !record.hasSum && raw.name == nil && raw.time == nil && raw.unit == nil {
            return .baseOnly
        }
        if record.value != nil && baseName == nil && (raw.name ?? "").isEmpty {
            return .failure(DecodeFailure(.malformed, "\(record.label) has a value but no name (bn + n is empty)"))
        }

        let seconds = baseTime + (raw.time ?? 0)
        guard seconds.isFinite else {
            return .failure(DecodeFailure(.invalidValue, "\(record.label): its time (bt + t) is not a finite number"))
        }
        let millis: Double
        if seconds >= Self.relativeTimeLimit {
            millis = (seconds * 1000).rounded()
        } else {
            record.isRelative = true
            millis = seconds == 0 ? Double(receivedAt) : Double(receivedAt) + (seconds * 1000).rounded()
        }
        guard TimestampNormalizer.validRange.contains(millis) else {
            return .failure(DecodeFailure(.invalidValue,
                "\(record.label): its time \(seconds) s\(record.isRelative ? " (relative to receipt)" : "") is outside 1970-01-01…9999-12-31"))
        }
        if seconds != 0 { record.timestamp = EpochMillis(millis) }
        return .record(record)
    }
}
