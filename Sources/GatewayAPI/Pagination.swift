import GatewayStore
import Hummingbird

/// Opaque page cursors. A reading cursor is the (timestamp, seq) of a page's last reading, a
/// quarantine cursor the last record's id — keys of the order itself, so that paging stays
/// correct while new readings arrive (an offset would shift under them). The text form is
/// `r<ts>_<seq>` / `q<id>`: opaque to clients, but readable in a log.
enum PageCursor {
    static func encode(_ cursor: ReadingCursor) -> String { "r\(cursor.timestamp)_\(cursor.seq)" }
    static func encode(quarantineID id: Int64) -> String { "q\(id)" }

    static func reading(_ text: String?) throws(APIError) -> ReadingCursor? {
        guard let text else { return nil }
        let parts = text.dropFirst().split(separator: "_")
        guard text.first == "r", parts.count == 2, let ts = Int64(parts[0]), let seq = Int64(parts[1]) else {
            throw .badParameter("cursor", "'\(text)' is not a readings cursor; pass the next_cursor of the previous page")
        }
        return ReadingCursor(timestamp: ts, seq: seq)
    }

    static func quarantine(_ text: String?) throws(APIError) -> Int64? {
        guard let text else { return nil }
        guard text.first == "q", let id = Int64(text.dropFirst()) else {
            throw .badParameter("cursor", "'\(text)' is not a quarantine cursor; pass the next_cursor of the previous page")
        }
        return id
    }
}
