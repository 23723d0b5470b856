import Foundation
import GatewayConfig
import GatewayCore
import Testing

@Suite("Notify (webhooks)")
struct NotifySectionTests {
    /// A valid configuration with `notify:` on line 7 and `webhooks:` on line 8; `lines` start on line 9.
    func config(_ lines: String) -> String {
        """
        gateway:
          id: site-01
        broker:
          url: mqtt://127.0.0.1:1883
        routes:
          - { topic: a/b, utility: water, site: s, device: d, metrics: [{ name: flow, path: f, unit: L/s }] }
        notify:
          webhooks:
        \(lines)
        """
    }

    func withSecret(_ body: (String) throws -> Void) throws {
        let scratch = try Scratch()
        let secret = scratch.directory + "/hook-secret"
        try "s3cret-s3cret-s3cret\n".write(toFile: secret, atomically: true, encoding: .utf8)
        try body(secret)
    }

    @Test("a full webhook loads; defaults fill timeout and retry")
    func full() throws {
        try withSecret { secret in
            let loaded = try #require(load(config("""
                    - name: ops-pager
                      url: https://hooks.example.net/gateway?token=abc
                      events: [alert.active, alert.cleared, ticket.overdue, ticket.*]
                      secret_file: \(secret)
                    - name: local-relay
                      url: http://127.0.0.1:9000/events
                      events: [alert.*]
                      secret_file: \(secret)
                      timeout: 3s
                      retry: { initial: 500ms, max: 2m }
                """)))
            let hooks = loaded.configuration.notify.webhooks
            #expect(hooks.count == 2)
            let pager = hooks[0]
            #expect(pager.name == "ops-pager" && pager.url.usesTLS && pager.url.host == "hooks.example.net" && pager.url.port == 443)
            #expect(pager.events == EventNameFilter(names: ["alert.active", "alert.cleared", "ticket.overdue"], prefixes: ["ticket."]))
            #expect(pager.secretFile == secret && pager.timeoutSeconds == 10 && pager.retry == ReconnectBackoff())
            let relay = hooks[1]
            #expect(!relay.url.usesTLS && relay.url.port == 9000 && relay.timeoutSeconds == 3)
            #expect(relay.retry == ReconnectBackoff(initialSeconds: 0.5, maxSeconds: 120))
        }
    }

    @Test("plain http to a host that is not loopback is refused without allow_plain_http")
    func plainHTTP() throws {
        try withSecret { secret in
            let yaml = config("""
                    - name: a
                      url: http://hooks.example.net/x
                      events: [alert.active]
                      secret_file: \(secret)
                """)
            expectOnlyProblem(in: yaml, at: "notify.webhooks[0].url", line: 10, containing: ["clear text", "allow_plain_http: true"])
            let allowed = try #require(load(yaml.replacingOccurrences(of: "      events:", with: "      allow_plain_http: true\n      events:")))
            #expect(allowed.configuration.notify.webhooks.first?.url.host == "hooks.example.net")
        }
    }

    @Test("unknown event names are named with a suggestion; the list must not be empty")
    func eventNames() throws {
        try withSecret { secret in
            expectOnlyProblem(in: config("""
                    - name: a
                      url: https://h.example/x
                      events: [alert.active, alert.activ]
                      secret_file: \(secret)
                """), at: "notify.webhooks[0].events[1]", line: 11, containing: ["unknown event name 'alert.activ'", "did you mean 'alert.active'"])
            expectOnlyProblem(in: config("""
                    - name: a
                      url: https://h.example/x
                      events: []
                      secret_file: \(secret)
                """), at: "notify.webhooks[0].events", line: 11, containing: ["at least one event name"])
        }
    }

    @Test("the secret is required, never inline, and names are unique")
    func secretAndNames() throws {
        let missing = problems(in: config("""
                - name: a
                  url: https://h.example/x
                  events: [alert.active]
            """))
        #expect(missing.count == 1 && missing[0].keyPath == "notify.webhooks[0]" && missing[0].message.contains("secret_file"))
        let inline = problems(in: config("""
                - name: a
                  url: https://h.example/x
                  events: [alert.active]
                  secret: hunter2
            """))
        #expect(inline.contains { $0.keyPath == "notify.webhooks[0].secret" && $0.message.contains("never written in the configuration") })
        try withSecret { secret in
            expectOnlyProblem(in: config("""
                    - { name: a, url: "https://h.example/x", events: [alert.active], secret_file: \(secret) }
                    - { name: a, url: "https://h.example/y", events: [alert.active], secret_file: \(secret) }
                """), at: "notify.webhooks[1].name", line: 10, containing: ["also the name of webhooks[0]"])
        }
    }

    @Test("URLs with credentials, other schemes or bad ports are refused")
    func badURLs() throws {
        try withSecret { secret in
            for (url, fragment) in [
                ("https://user:pw@h.example/x", "user or password"), ("ftp://h.example/x", "https:// URL"),
                ("https://h.example:0/x", "port from 1 to 65535"), ("https:///x", "with a host"),
            ] {
                expectOnlyProblem(in: config("""
                        - name: a
                          url: "\(url)"
                          events: [alert.active]
                          secret_file: \(secret)
                    """), at: "notify.webhooks[0].url", line: 10, containing: [fragment])
            }
        }
    }
}
