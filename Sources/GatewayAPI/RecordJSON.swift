import GatewayQuery
import Hummingbird

/// Single JSON objects and documents built from ``Record``s, keeping the record's column order —
/// the same objects a listing's `items` carry (``ListingResponse`` renders whole lists).
enum RecordJSON {
    /// One record as a JSON object.
    static func object(_ record: Record) -> String {
        "{" + record.fields.map { JSONRenderer.quote($0.key) + ": " + value($0.value) }.joined(separator: ", ") + "}"
    }

    /// Records as a JSON array.
    static func array(_ records: [Record]) -> String {
        JSONRenderer.render(records, newline: false)
    }

    static func value(_ cell: Cell) -> String {
        switch cell {
        case .int(let number): String(number)
        case .double(let number): number.isFinite ? cell.text : "null"
        case .text(let text): JSONRenderer.quote(text)
        case .null: "null"
        }
    }

    /// A 200 answer with a JSON document.
    static func response(_ json: String) -> Response {
        Response(
            status: .ok, headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: json + "\n")))
    }
}
