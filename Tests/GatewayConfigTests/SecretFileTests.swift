import GatewayConfig
import Testing

@Suite("Reading the password file")
struct SecretFileTests {
    @Test("one trailing newline is stripped, and only one", arguments: [
        ("s3cret", "s3cret"), ("s3cret\n", "s3cret"), ("s3cret\r\n", "s3cret"), ("s3cret\n\n", "s3cret\n"),
        ("  spaced  \n", "  spaced  "), ("pässwörd\n", "pässwörd"),
    ])
    func stripsOneNewline(content: String, expected: String) throws {
        let scratch = try Scratch()
        let path = try scratch.write("password", content)
        #expect(try ConfigurationLoader.readSecret(path: path) == expected)
    }

    @Test("a missing file names the file and the OS error")
    func missingFile() throws {
        let scratch = try Scratch()
        let path = scratch.path("absent")
        #expect(throws: SecretFileError(path: path, reason: "No such file or directory")) {
            try ConfigurationLoader.readSecret(path: path)
        }
        #expect(SecretFileError(path: path, reason: "No such file or directory").description
            == "cannot read \(path): No such file or directory")
    }

    @Test("an empty file and a file with a NUL byte are refused without showing the content")
    func badContent() throws {
        let scratch = try Scratch()
        let empty = try scratch.write("empty", "\n")
        #expect(throws: SecretFileError(path: empty, reason: "the file is empty")) {
            try ConfigurationLoader.readSecret(path: empty)
        }
        let withNUL = try scratch.write("nul", "abc\u{0}def")
        do {
            _ = try ConfigurationLoader.readSecret(path: withNUL)
            Issue.record("expected an error")
        } catch {
            #expect(error.reason == "the file contains a NUL byte")
            #expect(!error.description.contains("abc"))
        }
    }
}
