/// A path into a resolved SenML record, as routes write it.
///
/// Templates read the record's names: `bn` (the device part: the base name without a trailing `:`
/// or `/`, see `SenMLResolvedRecord.device`), `n` (the record's own name) and `name` (the full name
/// `bn + n`). A metric's path is a record name (`temperature`, `urn:dev:ow:10e2073a01080063:temperature`):
/// it selects the records whose name it matches (`SenMLResolvedRecord.matches`) and reads their
/// value. The three keywords cannot be metric paths, and record names cannot be template paths;
/// the adapter refuses both at start-up.
enum SenMLPath: Sendable, Hashable, CustomStringConvertible {
    case baseName
    case recordName
    case fullName
    /// A record name mapped by a metric; `slot` is its bit in `SenMLRecord.matches` (`-1` for a name
    /// no metric maps, which only a refused template can hold).
    case record(String, slot: Int)

    static let keywords = ["bn": SenMLPath.baseName, "n": .recordName, "name": .fullName]

    var description: String {
        switch self {
        case .baseName: "bn"
        case .recordName: "n"
        case .fullName: "name"
        case .record(let name, _): name
        }
    }
}
