import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import GatewayAPI

/// Bearer tokens: the token file's rules, the constant-time comparison, and who may do what.
@Suite struct APIAuthenticationTests {
    @Test func withoutATokenFileReadsAreOpenAndChangesAreRefused() async throws {
        let fixture = try APIFixture(devices: 1, minutes: 1)
        try await fixture.application(tokens: nil).test(.router) { client in
            try await client.execute(uri: "/api/v1/status", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/api/v1/status", method: .post) { response in
                #expect(response.status == .forbidden)
                #expect(response.errorCode == "token_required")
            }
        }
    }

    @Test func withATokenFileEveryRequestButTheProbesNeedsAToken() async throws {
        let fixture = try APIFixture(devices: 1, minutes: 1)
        let tokens = try APITokens(text: tokenFileText, path: "/run/credentials/api-tokens")
        try await fixture.application(tokens: tokens).test(.router) { client in
            for uri in ["/api/v1/status", "/api/v1/readings", "/metrics", "/"] {
                try await client.execute(uri: uri, method: .get) { response in
                    #expect(response.status == .unauthorized, "\(uri)")
                    #expect(response.headers[.wwwAuthenticate] == "Bearer realm=\"utility-gateway\"")
                    #expect(response.errorCode == "unauthorized")
                }
            }
            try await client.execute(
                uri: "/api/v1/status", method: .get, headers: [.authorization: "Bearer \(aliceToken.dropLast())x"]
            ) { #expect($0.status == .unauthorized) }
            try await client.execute(
                uri: "/api/v1/status", method: .get, headers: [.authorization: "Bearer \(aliceToken)"]
            ) { #expect($0.status == .ok) }
            try await client.execute(
                uri: "/api/v1/readings", method: .get, headers: [.authorization: "bearer \(aliceToken)"]
            ) { #expect($0.status == .ok, "the scheme is case-insensitive") }
            for probe in ["/healthz", "/readyz"] {
                try await client.execute(uri: probe, method: .get) { #expect($0.status != .unauthorized) }
            }
        }
    }

    @Test func theTokenNamesTheActor() throws {
        let tokens = try APITokens(text: tokenFileText, path: "tokens")
        #expect(tokens.actor(for: aliceToken.utf8) == "alice")
        #expect(tokens.actor(for: "fedcba9876543210fedcba9876543210fedcba9876543210".utf8) == "bob")
        #expect(tokens.actor(for: "".utf8) == nil)
        #expect(tokens.actor(for: (aliceToken + "0").utf8) == nil, "a longer guess with the right prefix")
        #expect(tokens.actor(for: aliceToken.prefix(31).utf8) == nil, "a prefix")
    }

    @Test func constantTimeComparisonReadsEveryByte() {
        let expected = Array("0123456789abcdef0123456789abcdef".utf8)
        #expect(APITokens.constantTimeEqual(expected, expected))
        for index in expected.indices {
            var guess = expected
            guess[index] ^= 1
            #expect(!APITokens.constantTimeEqual(expected, guess), "a difference at byte \(index)")
        }
        #expect(!APITokens.constantTimeEqual(expected, Array(expected.dropLast())))
        #expect(!APITokens.constantTimeEqual(expected, expected + [0]))
        #expect(!APITokens.constantTimeEqual(expected, []))
    }

    @Test(arguments: [
        ("alice short", "tokens:1: the token of 'alice' must be at least 32 characters"),
        ("alice", "tokens:1: expected `name token`"),
        ("Alice 0123456789abcdef0123456789abcdef", "tokens:1: the name 'Alice' may use only"),
        ("# c\nalice 0123456789abcdef0123456789abcdef\nalice 1123456789abcdef0123456789abcdef", "tokens:3: the name 'alice' appears twice"),
        ("a 0123456789abcdef0123456789abcdef\nb 0123456789abcdef0123456789abcdef", "tokens:2: the token of 'b' is also another operator's token"),
        ("alice 0123456789abcdef0123456789abcde/", "tokens:1: the token of 'alice' must be"),
    ])
    func badTokenFilesAreRefusedWithTheLine(text: String, message: String) {
        #expect {
            try APITokens(text: text, path: "tokens")
        } throws: { error in
            "\(error)".hasPrefix(message) && !"\(error)".contains("0123456789abcdef")
        }
    }
}
