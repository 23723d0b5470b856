import Crypto

/// The signature every webhook POST carries, so that a receiver can tell the gateway's events from
/// anyone else's: `X-Utility-Gateway-Signature-256: sha256=<hex HMAC-SHA256 of the body>`, keyed
/// with the webhook's secret (the convention GitHub's `X-Hub-Signature-256` made familiar).
///
/// The body is signed as sent, byte for byte: a receiver must compute the HMAC over the raw body
/// before parsing it, and compare in constant time. Replays of a captured POST are harmless when the
/// receiver deduplicates by (gateway, generation, stream, seq), which it must do anyway (retries).
public enum WebhookSignature {
    public static let headerName = "X-Utility-Gateway-Signature-256"

    /// `sha256=` and the lowercase hex HMAC-SHA256 of `body` keyed with `secret`.
    public static func header(body: [UInt8], secret: [UInt8]) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: secret))
        return "sha256=" + hex(Array(code))
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
