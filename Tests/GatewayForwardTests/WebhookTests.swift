import Foundation
import GatewayCore
import GatewayRules
import GatewayStore
import Testing

@testable import GatewayForward

@Suite("Webhook signature and event names")
struct WebhookTests {
    @Test("the signature is HMAC-SHA256 of the body, hex (RFC 4231 test case 2)")
    func signatureKnownVector() {
        let header = WebhookSignature.header(body: Array("what do ya want for nothing?".utf8), secret: Array("Jefe".utf8))
        #expect(header == "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }

    @Test("every alert and ticket kind the rules stage writes has a listed name, by the one rule")
    func everyKindHasAName() {
        let alertNames = AlertEventKind.allCases.map { EventNames.name(isAlert: true, kind: $0.rawValue) }
        #expect(alertNames == EventNames.alert)
        let ticketNames = TicketEvent.Kind.allCases.map { EventNames.name(isAlert: false, kind: $0.rawValue) }
        #expect(ticketNames == EventNames.ticket)
        #expect(EventNames.name(isAlert: true, kind: "activated") == "alert.active")
    }

    @Test("a filter takes exact names and alert.* / ticket.*")
    func filter() {
        let filter = EventNameFilter(names: ["alert.active", "ticket.overdue"], prefixes: ["alert."])
        #expect(filter.matches("alert.cleared") && filter.matches("ticket.overdue"))
        #expect(!filter.matches("ticket.opened"))
        #expect(!EventNameFilter(names: ["alert.active"]).matches("alert.acknowledged"))
    }

    @Test("the webhook body is the uplink's event message, with the event's name")
    func bodyNamesTheEvent() throws {
        let event = OutboxEvent(
            stream: .ticketHistory, seq: 7, entityID: "T-1", time: 1_764_230_400_000, kind: "overdue", state: nil,
            actor: nil, note: nil, body: #"{"kind":"overdue"}"#)
        let body = try UplinkMessages.event(event, gateway: "site-01", generation: "g1")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])
        #expect(json["name"] as? String == "ticket.overdue")
        #expect(json["stream"] as? String == "ticket_history" && json["seq"] as? Int == 7)
        #expect(json["gateway"] as? String == "site-01" && json["generation"] as? String == "g1")
    }

    @Test("a URL's query is hidden in logs and the status")
    func redactedURL() {
        let url = WebhookURL(text: "https://h.example/x?token=abc", usesTLS: true, host: "h.example", port: 443)
        #expect(url.redacted == "https://h.example/x?…")
        #expect(WebhookURL.isLoopback(host: "127.0.0.1") && WebhookURL.isLoopback(host: "[::1]"))
        #expect(!WebhookURL.isLoopback(host: "127.0.0.1.example.net") && !WebhookURL.isLoopback(host: "10.0.0.1"))
    }
}
