import Foundation
import Hummingbird

/// A route's `{name}` segment, percent-decoded: Hummingbird hands path parameters over as sent,
/// and a device id may hold characters a client must encode (`pump%207` is device `pump 7`).
enum PathParameter {
    static func text(_ context: APIRequestContext, _ name: String) throws(APIError) -> String {
        guard let raw = context.parameters.get(name), !raw.isEmpty else {
            throw APIError(.badRequest, "bad_path", "the path has no \(name)")
        }
        guard let text = raw.removingPercentEncoding else {
            throw APIError(.badRequest, "bad_path", "\(name) '\(raw)' is not valid percent-encoding")
        }
        return text
    }
}
