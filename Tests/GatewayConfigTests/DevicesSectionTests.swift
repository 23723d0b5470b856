import GatewayConfig
import GatewayCore
import Testing

@Suite("Devices")
struct DevicesSectionTests {
    @Test("entries with globs, site, utility and attributes; later entries override")
    func entries() throws {
        let yaml = minimalConfig("""
            devices:
              - { device: "pm-*", utility: power, attributes: { nominal_voltage: 220, expected_interval: 15m } }
              - device: "pm-00??"
                site: "north-*"
                attributes: { nominal_voltage: 380, safety: True, note: "feeder 3" }
            """)
        let registry = try #require(load(yaml)).configuration.rules.devices
        #expect(registry.entries == [
            DeviceRegistry.Entry(device: Glob("pm-*"), utility: .power, attributes: ["nominal_voltage": "220", "expected_interval": "15m"]),
            DeviceRegistry.Entry(device: Glob("pm-00??"), site: Glob("north-*"),
                                 attributes: ["nominal_voltage": "380", "safety": "true", "note": "feeder 3"]),
        ])
        #expect(registry.attributes(utility: .power, site: "north-1", device: "pm-0012")
            == ["nominal_voltage": "380", "expected_interval": "15m", "safety": "true", "note": "feeder 3"])
        #expect(registry.attributes(utility: .power, site: "south", device: "pm-0012") == ["nominal_voltage": "220", "expected_interval": "15m"])
        #expect(registry.attributes(utility: .water, site: "south", device: "pm-0012").isEmpty)
    }

    @Test("problems: required keys, attribute values, expected_interval and safety")
    func problems() {
        let found = GatewayConfigTests.problems(in: minimalConfig("""
            devices:
              - { attributes: { point: tap } }
              - { device: "wm-*", utility: wter, atributes: { point: tap } }
              - { device: "wm-*", attributes: { expected_interval: 15, safety: yes, point: { a: b }, Bad-Name: 1 } }
              - { device: "wm-*", attributes: {} }
            """))
        #expect(found.count == 9, "\(found.map(\.description).joined(separator: "\n"))")
        expectProblem(found, at: "devices[0].device", line: 5, containing: ["missing required key 'device'"])
        expectProblem(found, at: "devices[1].utility", line: 6, containing: ["did you mean 'water'?"])
        expectProblem(found, at: "devices[1].atributes", line: 6, containing: ["did you mean 'attributes'?"])
        expectProblem(found, at: "devices[1].attributes", line: 6, containing: ["missing required key 'attributes'"])
        expectProblem(found, at: "devices[2].attributes.expected_interval", line: 7, containing: ["a duration", "for example 15s"])
        expectProblem(found, at: "devices[2].attributes.safety", line: 7, containing: ["true or false", "'yes'"])
        expectProblem(found, at: "devices[2].attributes.point", line: 7, containing: ["a single value", "got a mapping"])
        expectProblem(found, at: "devices[2].attributes.Bad-Name", line: 7, containing: ["attribute names are lowercase"])
        expectProblem(found, at: "devices[3].attributes", line: 8, containing: ["an entry without attributes does nothing"])
        expectOnlyProblem(in: minimalConfig("devices: { device: x }"), at: "devices", line: 4, containing: ["a list of device entries"])
        expectOnlyProblem(in: minimalConfig("devices: [{ device: x, attributes: { expected_interval: 0s } }]"),
                          at: "devices[0].attributes.expected_interval", line: 4, containing: ["longer than 0s"])
    }
}

@Suite("Calendar")
struct CalendarSectionTests {
    @Test("workdays by name, holidays, make-up days and a time zone")
    func calendar() throws {
        let yaml = minimalConfig("""
            calendar:
              workdays: [mon, tue, Wednesday, thu, fri, sat]
              holidays: [2026-10-01, "2026-10-02", 2028-02-29]
              extra_workdays: [2026-09-20]
              timezone: Asia/Shanghai
            """)
        let calendar = try #require(load(yaml)).configuration.rules.calendar
        #expect(calendar == WorkCalendar(
            workdays: [1, 2, 3, 4, 5, 6], holidays: ["2026-10-01", "2026-10-02", "2028-02-29"], extraWorkdays: ["2026-09-20"],
            timeZone: .named("Asia/Shanghai")))
        #expect(try #require(load(minimalConfig("calendar: { timezone: \"+08:00\" }"))).configuration.rules.calendar
            == WorkCalendar(timeZone: .fixed(offsetSeconds: 28_800)))
        #expect(try #require(load(minimalConfig(""))).configuration.rules.calendar == WorkCalendar())
    }

    @Test("problems: weekdays, dates, a day both holiday and make-up day, the zone")
    func problems() {
        let found = GatewayConfigTests.problems(in: minimalConfig("""
            calendar:
              workdays: [mon, tues, mon]
              holidays: [2026-02-30, 2026-10-01, 2026-10-01, 26-10-02]
              extra_workdays: [2026-10-01]
              timezone: Mars/Olympus
              weekends: [sat]
            """))
        #expect(found.count == 8, "\(found.map(\.description).joined(separator: "\n"))")
        expectProblem(found, at: "calendar.workdays[1]", line: 5, containing: ["expected a weekday", "'tues'", "did you mean 'tue'?"])
        expectProblem(found, at: "calendar.workdays[2]", line: 5, containing: ["mon is listed twice"])
        expectProblem(found, at: "calendar.holidays[0]", line: 6, containing: ["a date YYYY-MM-DD that exists", "'2026-02-30'"])
        expectProblem(found, at: "calendar.holidays[2]", line: 6, containing: ["2026-10-01 is listed twice (first at line 6)"])
        expectProblem(found, at: "calendar.holidays[3]", line: 6, containing: ["'26-10-02'"])
        expectProblem(found, at: "calendar.extra_workdays[0]", line: 7, containing: [
            "2026-10-01 is also a holiday (line 6)", "either a holiday or a make-up working day",
        ])
        expectProblem(found, at: "calendar.timezone", line: 8, containing: ["IANA zone such as Asia/Shanghai", "'Mars/Olympus'"])
        expectProblem(found, at: "calendar.weekends", line: 9, containing: ["unknown key 'weekends'"])
        expectOnlyProblem(in: minimalConfig("calendar: { workdays: [] }"), at: "calendar.workdays", line: 4,
                          containing: ["at least one weekday"])
    }
}

@Suite("Alerting")
struct AlertingSectionTests {
    @Test("chattering and flood settings; defaults when absent")
    func settings() throws {
        let yaml = minimalConfig("""
            alerting:
              chattering: { activations: 4, window: 2m, shelve_for: 30m }
              flood: { new_alerts: 20, window: 5m, end_below: 8 }
              broker_link_down_after: 2m
            """)
        #expect(try #require(load(yaml)).configuration.rules.alerting == AlertingSettings(
            chatteringActivations: 4, chatteringWindowMillis: 120_000, chatteringShelveMillis: 1_800_000,
            floodNewAlerts: 20, floodWindowMillis: 300_000, floodEndBelow: 8, brokerLinkDownAfterMillis: 120_000))
        #expect(try #require(load(minimalConfig("alerting: { flood: { window: 1h } }"))).configuration.rules.alerting
            == AlertingSettings(floodWindowMillis: 3_600_000))
    }

    @Test("problems: counts, durations, end_below above new_alerts, unknown keys")
    func problems() {
        let found = GatewayConfigTests.problems(in: minimalConfig("""
            alerting:
              chattering: { activations: 1, window: 0s, shelve: 1h }
              flood: { new_alerts: 4, end_below: x }
              flod: {}
            """))
        #expect(found.count == 5, "\(found.map(\.description).joined(separator: "\n"))")
        expectProblem(found, at: "alerting.chattering.activations", line: 5, containing: ["from 2 to 1000000; got 1"])
        expectProblem(found, at: "alerting.chattering.window", line: 5, containing: ["longer than 0s"])
        expectProblem(found, at: "alerting.chattering.shelve", line: 5, containing: ["did you mean 'shelve_for'?"])
        expectProblem(found, at: "alerting.flood.end_below", line: 6, containing: ["a whole number", "'x'"])
        expectProblem(found, at: "alerting.flod", line: 7, containing: ["did you mean 'flood'?"])
        expectOnlyProblem(in: minimalConfig("alerting: { flood: { new_alerts: 4 } }"), at: "alerting.flood", line: 4,
                          containing: ["end_below must not exceed it", "new_alerts (4)", "end_below 5"])
        expectOnlyProblem(in: minimalConfig("alerting: { flood: { new_alerts: 4, end_below: 6 } }"), at: "alerting.flood.end_below", line: 4,
                          containing: ["end_below must not exceed it"])
        expectOnlyProblem(in: minimalConfig("alerting: { broker_link_down_after: 0s }"), at: "alerting.broker_link_down_after", line: 4,
                          containing: ["longer than 0s"])
    }
}

@Suite("Route attributes")
struct RouteAttributesTests {
    static let config = """
        gateway: { id: site-01 }
        broker: { url: mqtt://localhost }
        routes:
          - { topic: "plant/+", utility: water, site: plant, device: "{topic.1}", attributes: { point: plant_outlet },
              metrics: [{ name: chlorine_free, path: c, unit: mg/L }] }
          - { topic: "+/+", utility: water, site: net, device: "{topic.1}", metrics: [{ name: chlorine_free, path: c, unit: mg/L }] }
          - { topic: "taps/+", utility: water, site: net, device: "{topic.1}", attributes: { point: tap, expected_interval: 5m },
              metrics: [{ name: chlorine_free, path: c, unit: mg/L }] }
        devices:
          - { device: "a-9", attributes: { point: tap } }
        """

    @Test("a route's attributes apply to the devices it takes; a devices entry overrides; the first matching route decides")
    func precedence() throws {
        let configuration = try #require(load(Self.config)).configuration
        #expect(configuration.routes.map(\.attributes) == [["point": "plant_outlet"], [:], ["point": "tap", "expected_interval": "5m"]])
        let registry = configuration.rules.devices
        #expect(registry.attributes(utility: .water, site: "plant", device: "a-1", topic: "plant/a-1") == ["point": "plant_outlet"])
        #expect(registry.attributes(utility: .water, site: "plant", device: "a-9", topic: "plant/a-9") == ["point": "tap"])
        // "taps/t-1" matches "+/+" first, as in the decoder: the third route never takes it.
        #expect(registry.attributes(utility: .water, site: "net", device: "t-1", topic: "taps/t-1").isEmpty)
        #expect(registry.attributes(utility: .water, site: "plant", device: "a-1").isEmpty, "no topic, no route")
    }

    @Test("problems in a route's attributes name the route's key path and line")
    func problems() {
        expectOnlyProblem(
            in: """
                gateway: { id: site-01 }
                broker: { url: mqtt://localhost }
                routes:
                  - { topic: "a/+", utility: water, site: s, device: "{topic.1}", attributes: { safety: maybe },
                      metrics: [{ name: flow, path: f, unit: L/s }] }
                """,
            at: "routes[0].attributes.safety", line: 4, containing: ["true or false", "'maybe'"])
    }
}
