/// Why a secret file (the broker password) could not be used. Names the file and the reason, never
/// the file's content.
public struct SecretFileError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file as it was named.
    public let path: String
    /// The operating system's reason ("No such file or directory") or what is wrong with the content.
    public let reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "cannot read \(path): \(reason)" }
}

extension ConfigurationLoader {
    /// The largest secret file accepted; a password is a few dozen bytes.
    static let secretSizeLimit = 64 * 1024

    /// Reads a secret such as `broker.password_file` (typically a systemd credential) at start-up.
    ///
    /// Strips exactly one trailing line break (`\n` or `\r\n`), which editors and `echo` add, and
    /// nothing else: a password may well end with spaces. An empty file, a file that is not UTF-8
    /// text and one that contains a NUL byte are errors (libmosquitto takes a C string, so a NUL
    /// would silently shorten the password). Errors never quote the content.
    public static func readSecret(path: String) throws(SecretFileError) -> String {
        let bytes: [UInt8]
        switch FileAccess.readFile(path, limit: secretSizeLimit) {
        case .success(let content): bytes = content
        case .failure(let error): throw SecretFileError(path: path, reason: error.reason)
        }
        var end = bytes.count
        if end > 0, bytes[end - 1] == UInt8(ascii: "\n") {
            end -= 1
            if end > 0, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        }
        let secret = bytes[0..<end]
        guard !secret.isEmpty else { throw SecretFileError(path: path, reason: "the file is empty") }
        guard !secret.contains(0) else { throw SecretFileError(path: path, reason: "the file contains a NUL byte") }
        guard let text = String(validating: secret, as: UTF8.self) else {
            throw SecretFileError(path: path, reason: "the file is not UTF-8 text")
        }
        return text
    }
}
