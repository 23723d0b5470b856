import GatewayCore

/// One resolved SenML record as the shared `RecordMapper` sees it: its value under the metric
/// paths that matched its name, its names under the template keywords, its own time and unit.
///
/// Which metric paths match is worked out once per record by the adapter (`matches`, one bit per
/// distinct metric path), so that the mapper's look-ups compare no strings.
struct SenMLRecord: PayloadRecord {
    let resolved: SenMLResolvedRecord
    let matches: UInt64

    func value(at path: SenMLPath) -> FieldValue? {
        switch path {
        case .baseName: resolved.device.map(FieldValue.string)
        case .recordName: resolved.name.map(FieldValue.string)
        case .fullName: .string(resolved.fullName)
        case .record(_, let slot): slot >= 0 && matches & (1 << UInt64(slot)) != 0 ? resolved.value : nil
        }
    }

    var timestamp: EpochMillis? { resolved.timestamp }

    func unit(at path: SenMLPath) -> String? { resolved.unit }
}
