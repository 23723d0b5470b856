import Foundation

/// The capture file `utility-sim record` writes and `utility-sim replay` reads: JSON lines, UTF-8.
///
/// Line 1 is a header: `{"capture":"utility-sim","version":1,"started":"RFC3339","topic":"FILTER"}`.
/// Every further line is one message as it arrived:
/// `{"t_ms":1234,"topic":"sim/json/water/north/wm-1","qos":1,"retain":false,"payload":"BASE64"}`
/// where `t_ms` is milliseconds since the first message of the capture (so a capture replays with
/// the same spacing whenever it started) and `payload` is the exact bytes, base64 (payloads may be
/// binary or invalid UTF-8, which is what a malformed-payload regression case needs).
///
/// Why JSON lines: one message per line survives an interrupted recording (every complete line is
/// usable), diffs and greps well, and any language reads it without our code.
enum CaptureFile {
    static let name = "utility-sim"
    static let version = 1

    struct Header: Codable, Sendable {
        var capture: String
        var version: Int
        var started: String
        var topic: String
    }

    struct Message: Codable, Sendable {
        var tMillis: Int64
        var topic: String
        var qos: Int
        var retain: Bool
        /// Base64 of the payload bytes.
        var payload: String

        enum CodingKeys: String, CodingKey {
            case tMillis = "t_ms", topic, qos, retain, payload
        }
    }

    static func encodeLine(_ value: some Encodable) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(value) + Data("\n".utf8)
    }

    /// Reads a whole capture; a line that does not decode is an error naming its line number.
    static func read(path: String) throws -> (header: Header, messages: [Message]) {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: true)
        let decoder = JSONDecoder()
        guard let first = lines.first, let header = try? decoder.decode(Header.self, from: Data(first.utf8)), header.capture == name else {
            throw RunError("\(path):1: not a utility-sim capture (expected a header line {\"capture\":\"utility-sim\",…})")
        }
        guard header.version == version else {
            throw RunError("\(path):1: capture version \(header.version); this utility-sim reads version \(version)")
        }
        var messages: [Message] = []
        for (index, line) in lines.enumerated().dropFirst() {
            do {
                let message = try decoder.decode(Message.self, from: Data(line.utf8))
                guard Data(base64Encoded: message.payload) != nil else { throw RunError("payload is not base64") }
                messages.append(message)
            } catch {
                throw RunError("\(path):\(index + 1): not a capture message line (\(error))")
            }
        }
        return (header, messages)
    }
}
