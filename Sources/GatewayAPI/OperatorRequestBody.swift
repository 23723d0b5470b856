import Foundation
import GatewayCore
import Hummingbird

/// The JSON body of an operator action (`POST …/ack`, `…/shelve`, `…/out-of-service`, ticket
/// verbs), read strictly like ``QueryParameters``: a JSON object of strings whose keys the action
/// knows, at most ``maximumBytes``. An empty body is an empty object, so `{"note"}`-only actions
/// can be posted without one. A wrong body is a 400 `bad_body` that says what was expected.
struct OperatorRequestBody {
    static let maximumBytes = 16 * 1024

    private var values: [String: String] = [:]
    /// What the action takes, for error messages (`{"for": "2h"} or {"until": "<RFC 3339>"}, …`).
    let expected: String

    init(values: [String: String], expected: String) {
        self.values = values
        self.expected = expected
    }

    /// Reads and checks the body of `request`.
    static func read(_ request: Request, allowed: [String], expected: String) async throws -> OperatorRequestBody {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: maximumBytes)
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            throw APIError(
                .contentTooLarge, "body_too_large",
                "the body is larger than \(maximumBytes / 1024) KiB; expected a small JSON object: \(expected)")
        } catch {
            throw badBody("the body could not be read (\(error)); expected \(expected)")
        }
        return try parse(Data(buffer.readableBytesView), allowed: allowed, expected: expected)
    }

    /// Checks a body's bytes: a JSON object whose keys are in `allowed` and whose values are
    /// strings (`null` counts as absent).
    static func parse(_ data: Data, allowed: [String], expected: String) throws(APIError) -> OperatorRequestBody {
        var body = OperatorRequestBody(values: [:], expected: expected)
        guard !data.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) else { return body }
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw badBody("the body is not a JSON object; expected \(expected)")
        }
        for (key, value) in object.sorted(by: { $0.key < $1.key }) {
            guard allowed.contains(key) else {
                let hint = Suggestion.closest(to: key, among: allowed).map { " (did you mean '\($0)'?)" } ?? ""
                throw badBody("unknown key '\(key)'\(hint); expected \(expected)")
            }
            if value is NSNull { continue }
            guard let text = value as? String else {
                throw badBody("'\(key)' must be a string; expected \(expected)")
            }
            body.values[key] = text
        }
        return body
    }

    /// A non-empty string value.
    func text(_ key: String) throws(APIError) -> String? {
        guard let value = values[key] else { return nil }
        guard !value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw Self.badBody("'\(key)' is empty; leave it out or give a value")
        }
        return value
    }

    /// The end of a period, from `"for": "2h"` (a duration from `now`) or `"until": "<RFC 3339>"`;
    /// `nil` when neither is given. Both at once is refused.
    func expiry(now: EpochMillis) throws(APIError) -> EpochMillis? {
        let duration = try text("for")
        let until = try text("until")
        switch (duration, until) {
        case (nil, nil):
            return nil
        case (.some, .some):
            throw Self.badBody("give either 'for' or 'until', not both")
        case (let duration?, nil):
            guard let seconds = DurationText.seconds(duration), seconds > 0 else {
                throw Self.badBody("'for': '\(duration)' is not \(DurationText.expectation) (more than zero)")
            }
            return now + EpochMillis((seconds * 1000).rounded())
        case (nil, let until?):
            guard let instant = RFC3339.parse(until) else {
                throw Self.badBody("'until': '\(until)' is not an RFC 3339 time such as 2026-11-27T18:00:00Z")
            }
            return instant
        }
    }

    static func badBody(_ message: String) -> APIError {
        APIError(.badRequest, "bad_body", message)
    }
}
