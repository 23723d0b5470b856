import Foundation
import GatewayQuery
import HTTPTypes
import Hummingbird

/// One page of a listing, as JSON (`{"items": [...], "next_cursor": …}`) or, when the client
/// sends `Accept: text/csv`, as CSV with the next cursor in a `Link: <…>; rel="next"` header and
/// in `X-Next-Cursor` — the same columns as the CLI's `--format csv`, escaped the same way.
enum ListingResponse {
    static let maximumPageSize = 1_000
    static let defaultPageSize = 100

    static func make(
        _ request: Request, records: [Record], columns: [String], nextCursor: String?
    ) -> Response {
        var headers: HTTPFields = [.cacheControl: "no-store"]
        let body: String
        if wantsCSV(request) {
            headers[.contentType] = "text/csv; charset=utf-8"
            body = OutputFormat.csv.render(records, columns: columns)
        } else {
            headers[.contentType] = "application/json; charset=utf-8"
            let items = JSONRenderer.render(records, newline: false)
            body = "{\"items\": \(items), \"next_cursor\": \(nextCursor.map(JSONRenderer.quote) ?? "null")}\n"
        }
        if let nextCursor {
            headers[HTTPField.Name("X-Next-Cursor")!] = nextCursor
            headers[HTTPField.Name("Link")!] = "<\(nextPageURI(request, cursor: nextCursor))>; rel=\"next\""
        }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    /// `Accept: text/csv` (alone or preferred in a list) selects CSV.
    static func wantsCSV(_ request: Request) -> Bool {
        guard let accept = request.headers[.accept]?.lowercased() else { return false }
        return accept.split(separator: ",").first?.trimmingCharacters(in: .whitespaces).hasPrefix("text/csv") ?? false
    }

    /// The request's path and query with `cursor` replaced.
    static func nextPageURI(_ request: Request, cursor: String) -> String {
        var parts = request.uri.queryParameters.filter { $0.key != "cursor" }.map {
            "\(percentEncode(String($0.key)))=\(percentEncode(String($0.value)))"
        }
        parts.append("cursor=\(percentEncode(cursor))")
        return request.uri.path + "?" + parts.joined(separator: "&")
    }

    /// RFC 3986 unreserved characters (and `:`, for RFC 3339 times) stay; all else is encoded.
    private static let queryValueAllowed = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~:")

    private static func percentEncode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: queryValueAllowed) ?? text
    }
}
