/// Splits a line protocol payload into lines and each line into measurement, tags, fields and
/// timestamp, reading the UTF-8 bytes once, by hand: no regex, no `Scanner`, no `String` per token.
///
/// The grammar (InfluxDB line protocol, as Telegraf writes it):
/// `measurement[,tag=value…] field=value[,field=value…] [timestamp]`, one point per `\n`-terminated
/// line (a trailing `\r` is dropped). Blank lines and lines whose first non-blank character is `#`
/// are skipped. A backslash escapes `,` `=` space and `\` in names; string field values are quoted
/// with `"` and escape `"` and `\`. Field values are floats (`1`, `-1.5`, `1e3`), integers (`1i`),
/// unsigned integers (`1u`), booleans (`t` `T` `true` `True` `TRUE`, `f` … `FALSE`) or strings. The
/// timestamp is an integer in the route's precision. Newlines inside string fields are not
/// supported (InfluxDB's documentation says the same), which keeps one broken line from swallowing
/// the rest of the message.
///
/// A line that breaks the grammar becomes a `LineProblem` and parsing goes on with the next line.
enum LineProtocolParser {
    /// The payload has more lines than the route allows; parsing stopped there.
    struct TooManyLines: Error {}

    /// Parses every line of `bytes`. Stops as soon as the `maxLines + 1`-th point line appears, so
    /// the work done on an oversized payload is bounded by the limit, not by the payload.
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>, maxLines: Int) -> Result<LineBatch, TooManyLines> {
        var batch = LineBatch()
        // A UTF-8 byte order mark, which some Windows tools write, is not part of the first measurement.
        var lineStart = UTF8Check.byteOrderMarkLength(bytes)
        var number = 0
        var points = 0
        let count = bytes.count
        while lineStart < count {
            number += 1
            var lineEnd = lineStart
            while lineEnd < count, bytes[lineEnd] != UInt8(ascii: "\n") { lineEnd += 1 }
            let next = lineEnd + 1
            if lineEnd > lineStart, bytes[lineEnd - 1] == UInt8(ascii: "\r") { lineEnd -= 1 }
            var cursor = LineCursor(bytes: bytes, position: lineStart, end: lineEnd, number: number)
            if cursor.isPointLine {
                points += 1
                if points > maxLines { return .failure(TooManyLines()) }
                switch cursor.parse(into: &batch) {
                case .success(let line):
                    if batch.entries.isEmpty { reserve(&batch, like: line, length: next - lineStart, of: count, maxLines: maxLines) }
                    batch.entries.append(.line(line))
                case .failure(let problem): batch.entries.append(.problem(problem))
                }
            }
            lineStart = next
        }
        return .success(batch)
    }

    /// Sizes the batch's lists from the first line, assuming the others look like it (they nearly
    /// always do: one Telegraf measurement per message), which saves their regrowth and copies.
    /// Bounded by the payload's size and `maxLines`, so a misleading first line costs little.
    private static func reserve(_ batch: inout LineBatch, like line: ParsedLine, length: Int, of total: Int, maxLines: Int) {
        let lines = min(maxLines, total / max(length, 1) + 1)
        batch.entries.reserveCapacity(lines)
        batch.tags.reserveCapacity(lines * line.tags.count)
        batch.fields.reserveCapacity(lines * line.fields.count)
    }
}
