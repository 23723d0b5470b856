import Foundation
import GatewayCore
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import GatewayAPI

/// `GET /api/v1/readings` and `/api/v1/quarantine`: filters, pages, formats and error bodies,
/// in-process against a real SQLite store.
@Suite struct APIListingTests {
    @Test func readingsFilterByDeviceMetricAndTimeNewestFirst() async throws {
        let fixture = try APIFixture()
        try await fixture.application().test(.router) { client in
            let since = RFC3339.format(testNow - 10 * 60_000)
            try await client.execute(
                uri: "/api/v1/readings?device=p-1&metric=flow&since=\(since)&limit=5", method: .get
            ) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
                let items = try #require(response.json["items"] as? [[String: Any]])
                #expect(items.count == 5)
                #expect(items.allSatisfy { $0["device"] as? String == "p-1" && $0["metric"] as? String == "flow" })
                #expect(items.map { $0["value"] as? Int } == [119, 118, 117, 116, 115])
                #expect(items[0]["ts"] as? String == RFC3339.format(testNow))
                #expect(items[0].keys.sorted() == ["device", "metric", "received_at", "seq", "site", "ts", "unit", "utility", "value"])
                #expect(response.json["next_cursor"] is String)
            }
            // `since` as a duration back from the (fixed) clock: 10 minutes → 11 readings (inclusive).
            try await client.execute(uri: "/api/v1/readings?device=p-1&metric=flow&since=10m&limit=100", method: .get) {
                #expect(($0.json["items"] as? [Any])?.count == 11)
                #expect($0.json["next_cursor"] is NSNull)
            }
        }
    }

    @Test func followingNextCursorVisitsEveryReadingOnce() async throws {
        let fixture = try APIFixture(devices: 3, minutes: 40)
        try await fixture.application().test(.router) { client in
            var seen: [Int] = []
            var uri = "/api/v1/readings?utility=water&limit=37"
            var pages = 0
            while true {
                let body = try await client.execute(uri: uri, method: .get) { response in
                    #expect(response.status == .ok)
                    return response.json
                }
                pages += 1
                let items = try #require(body["items"] as? [[String: Any]])
                seen += items.compactMap { $0["seq"] as? Int }
                guard let next = body["next_cursor"] as? String else { break }
                #expect(items.count == 37)
                uri = "/api/v1/readings?utility=water&limit=37&cursor=\(next)"
            }
            #expect(seen.count == 3 * 40 * 2)
            #expect(Set(seen).count == seen.count, "no reading twice")
            #expect(pages == Int((240.0 / 37).rounded(.up)))
        }
    }

    @Test func csvOnAcceptWithTheNextPageInALinkHeader() async throws {
        let fixture = try APIFixture()
        try await fixture.application().test(.router) { client in
            try await client.execute(
                uri: "/api/v1/readings?device=p-0&metric=pressure&limit=2", method: .get, headers: [.accept: "text/csv"]
            ) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/csv; charset=utf-8")
                let lines = response.text.split(separator: "\r\n")
                #expect(lines.first == "seq,utility,site,device,metric,value,unit,ts,received_at")
                #expect(lines.count == 3)
                let link = try #require(response.headers[HTTPField.Name("Link")!])
                #expect(link.hasPrefix("</api/v1/readings?"))
                #expect(link.contains("cursor=r") && link.hasSuffix(">; rel=\"next\""))
                #expect(response.headers[HTTPField.Name("X-Next-Cursor")!]?.hasPrefix("r") == true)
            }
            // Quarantine messages starting with `=` are escaped against spreadsheet formulas.
            try await client.execute(uri: "/api/v1/quarantine", method: .get, headers: [.accept: "text/csv"]) { response in
                #expect(response.text.contains(",'=cmd|"))
                #expect(!response.text.contains(",=cmd|"))
            }
        }
    }

    @Test func quarantineFiltersPagesAndPayloads() async throws {
        let fixture = try APIFixture(quarantined: 5)
        try await fixture.application().test(.router) { client in
            try await client.execute(uri: "/api/v1/quarantine?reason=malformed&route=water", method: .get) { response in
                let items = try #require(response.json["items"] as? [[String: Any]])
                #expect(items.count == 3)
                #expect(items.allSatisfy { $0["reason"] as? String == "malformed" && $0["payload"] == nil })
                #expect(items.map { $0["topic"] as? String } == ["w/north/bad-4", "w/north/bad-2", "w/north/bad-0"])
            }
            let first = try await client.execute(uri: "/api/v1/quarantine?limit=2&payload=true", method: .get) { $0.json }
            let page1 = try #require(first["items"] as? [[String: Any]])
            #expect(page1.map { $0["payload"] as? String } == ["{oops 4", "{oops 3"])
            let cursor = try #require(first["next_cursor"] as? String)
            try await client.execute(uri: "/api/v1/quarantine?limit=2&payload=true&cursor=\(cursor)", method: .get) {
                #expect(($0.json["items"] as? [[String: Any]])?.map { $0["topic"] as? String } == ["w/north/bad-2", "w/north/bad-1"])
            }
        }
    }

    @Test(arguments: [
        ("/api/v1/readings?devcie=p-1", "unknown_parameter", "did you mean 'device'"),
        ("/api/v1/readings?since=yesterday", "bad_parameter", "since: 'yesterday' is not a duration back from now"),
        ("/api/v1/readings?utility=steam", "bad_parameter", "'steam' is not one of water, power, gas"),
        ("/api/v1/readings?limit=5000", "bad_parameter", "limit: '5000' is not a whole number from 1 to 1000"),
        ("/api/v1/readings?cursor=abc", "bad_parameter", "is not a readings cursor"),
        ("/api/v1/readings?device=a&device=b", "duplicate_parameter", "'device' is given more than once"),
        ("/api/v1/readings?site=", "bad_parameter", "site: is empty"),
        ("/api/v1/quarantine?device=p-1", "unknown_parameter", "this endpoint takes route, reason, topic"),
        ("/api/v1/quarantine?reason=bad", "bad_parameter", "'bad' is not one of no_route"),
        ("/api/v1/quarantine?cursor=r1_2", "bad_parameter", "is not a quarantine cursor"),
        ("/api/v1/status?verbose=1", "unknown_parameter", "unknown parameter 'verbose'"),
    ])
    func badRequestsSayWhatWasWrong(uri: String, code: String, message: String) async throws {
        let fixture = try APIFixture(devices: 1, minutes: 1, quarantined: 0)
        try await fixture.application().test(.router) { client in
            try await client.execute(uri: uri, method: .get) { response in
                #expect(response.status == .badRequest)
                #expect(response.headers[.contentType] == "application/json; charset=utf-8")
                #expect(response.errorCode == code)
                #expect(response.errorMessage.contains(message), "\(response.errorMessage)")
            }
        }
    }
}
