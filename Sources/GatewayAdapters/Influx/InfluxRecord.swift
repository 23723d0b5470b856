import GatewayCore

/// One parsed line as the shared `RecordMapper` sees it: path look-ups answered from the byte
/// ranges of the payload, the line's own timestamp as event time.
///
/// It borrows the payload and the batch's tag and field lists through unsafe buffers, which are
/// valid only inside `InfluxAdapter.decode`'s `withUnsafeBufferPointer` calls — records never
/// outlive the decode of their message.
struct InfluxRecord: PayloadRecord {
    let bytes: UnsafeBufferPointer<UInt8>
    let line: ParsedLine
    let tags: UnsafeBufferPointer<LineTag>
    let fields: UnsafeBufferPointer<LineField>
    /// The line's timestamp in UTC epoch milliseconds, already converted from the route's precision.
    let timestamp: EpochMillis?

    func value(at path: InfluxPath) -> FieldValue? {
        switch path {
        case .measurement:
            return .string(line.measurement.text(in: bytes))
        case .tag(let name):
            // A repeated key: the last one counts, as in InfluxDB.
            for index in line.tags.reversed() where tags[index].key.equals(name, in: bytes) {
                return .string(tags[index].value.text(in: bytes))
            }
            return nil
        case .field(let name):
            for index in line.fields.reversed() where fields[index].key.equals(name, in: bytes) {
                let field = fields[index]
                switch field.kind {
                case .float, .integer, .unsigned: return .number(field.number)
                case .boolean: return .bool(field.number != 0)
                case .string: return .string(field.text.text(in: bytes, quoted: true))
                }
            }
            return nil
        }
    }
}
