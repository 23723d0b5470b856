import Foundation
@testable import GatewayCore
import Testing

@Suite struct TopicFilterTests {
    @Test(arguments: [
        ("a/+/c", "a/b/c", true), ("a/+/c", "a/b/d", false), ("a/#", "a", true), ("a/#", "a/b/c", true),
        ("#", "a/b", true), ("+", "a/b", false), ("a/+", "a/", true), ("#", "$SYS/x", false),
        ("+/x", "$SYS/x", false), ("$SYS/#", "$SYS/x", true), ("a/b", "a/b/c", false), ("a/b/c", "a/b", false),
        ("a/+/#", "a/b", true), ("a/+/#", "a", false), ("", "", true), ("+", "", true), ("a//b", "a//b", true),
        ("a/+/b", "a//b", true), ("abc", "abd", false), ("a/b/#", "a/b/c/d/e", true),
    ])
    func matching(filter: String, topic: String, expected: Bool) {
        #expect(TopicFilter.matches(filter: filter, topic: topic) == expected)
        #expect(CompiledTopicFilter(filter).matches(topic) == expected, "compiled")
    }

    @Test func validation() {
        #expect(TopicFilter.problem(in: "a/+/#") == nil)
        #expect(TopicFilter.problem(in: "$share/g/a/#") == nil)
        #expect(TopicFilter.problem(in: "a/#/b") != nil)
        #expect(TopicFilter.problem(in: "a/b+") != nil)
        #expect(TopicFilter.problem(in: "") != nil)
        #expect(TopicFilter.problem(in: "$share//a") != nil)
        #expect(TopicFilter.stripSharePrefix("$share/g/a/b") == "a/b")
        #expect(TopicFilter.stripSharePrefix("a/b") == "a/b")
        #expect(TopicFilter.levels(of: "a//b/é/") == ["a", "", "b", "é", ""])
        #expect(TopicFilter.levels(of: "") == [""])
    }
}

@Suite struct FieldTemplateTests {
    @Test func parsesPlaceholders() throws {
        let template = try FieldTemplate.parse("site-{topic.2}/{payload.meta.id}").get()
        #expect(template.parts == [.literal("site-"), .topicLevel(2), .literal("/"), .payloadPath("meta.id")])
        #expect(template.highestTopicLevel == 2)
    }

    @Test(arguments: ["{topic.x}", "{topic.-1}", "{payload.}", "{device}", "a{topic.1", "a}b", ""])
    func rejects(text: String) {
        #expect(throws: TemplateError.self) { try FieldTemplate.parse(text).get() }
    }
}

@Suite struct TextValueTests {
    @Test func durations() {
        #expect(DurationText.seconds("30s") == 30)
        #expect(DurationText.seconds("500ms") == 0.5)
        #expect(DurationText.seconds("5m") == 300)
        #expect(DurationText.seconds("1d") == 86_400)
        #expect(DurationText.seconds("1.5h") == 5400)
        for bad in ["", "s", "30", "fast", "-1s", "+1s", "1 s", "1y"] { #expect(DurationText.seconds(bad) == nil, "\(bad)") }
    }

    @Test func sizes() {
        #expect(ByteSizeText.bytes("512MiB") == 512 << 20)
        #expect(ByteSizeText.bytes("64KiB") == 65_536)
        #expect(ByteSizeText.bytes("10MB") == 10_000_000)
        #expect(ByteSizeText.bytes("1000B") == 1000)
        for bad in ["", "MiB", "1.5MiB", "-1B", "12", "9999999999999999TiB"] { #expect(ByteSizeText.bytes(bad) == nil, "\(bad)") }
    }

    @Test func rfc3339RoundTrip() {
        #expect(RFC3339.format(1_764_230_400_123) == "2025-11-27T08:00:00.123Z")
        #expect(RFC3339.format(0) == "1970-01-01T00:00:00.000Z")
        #expect(RFC3339.format(-1) == "1969-12-31T23:59:59.999Z")
        #expect(RFC3339.parse("2025-11-27T08:00:00.123Z") == 1_764_230_400_123)
        #expect(RFC3339.parse("2025-11-27T08:00:00Z") == 1_764_230_400_000)
        #expect(RFC3339.parse("2025-11-27T09:00:00+01:00") == 1_764_230_400_000)
        #expect(RFC3339.parse("2025-11-27T08:00:00") == nil)
        #expect(RFC3339.parse("yesterday") == nil)
    }

    @Test func brokerURLs() {
        #expect(BrokerURL(parsing: "mqtt://127.0.0.1:1883") == BrokerURL(host: "127.0.0.1", port: 1883, usesTLS: false))
        #expect(BrokerURL(parsing: "mqtts://broker.local") == BrokerURL(host: "broker.local", port: 8883, usesTLS: true))
        #expect(BrokerURL(parsing: "mqtt://[::1]:1884") == BrokerURL(host: "::1", port: 1884, usesTLS: false))
        for bad in ["http://x", "mqtt://", "mqtt://h:0", "mqtt://h:70000", "mqtt://u@h", "mqtt://h/path", "tcp://h:1"] {
            #expect(BrokerURL(parsing: bad) == nil, "\(bad)")
        }
    }

    @Test func unitCatalogKnowsCanonicalUnits() throws {
        let bar = try #require(UnitCatalog.conversion(from: "bar"))
        #expect(bar.quantity.canonicalUnit == "kPa" && bar.toCanonical(1) == 100)
        let kelvin = try #require(UnitCatalog.conversion(from: "K"))
        #expect(abs(kelvin.toCanonical(273.15)) < 1e-9)
        #expect(UnitCatalog.conversion(from: "furlong") == nil)
        #expect(MetricCatalog.quantity(of: "gas_leak")?.canonicalUnit == "%LEL")
    }
}

@Suite struct RFC3339FastPathTests {
    /// The byte-level parser must agree with Foundation's on every shape it accepts.
    @Test func agreesWithFoundationOnRandomInstants() {
        var random = SeededGenerator(seed: 7)
        for _ in 0..<2000 {
            let millis = Int64(random.below(4_000_000_000)) * 1000 + Int64(random.below(1000))
            let text = RFC3339.format(millis)
            #expect(RFC3339.parseCommonShape(text) == millis, "\(text)")
            let offset = random.below(2) == 0 ? "+05:30" : "-08:00"
            let shifted = String(text.dropLast()) + offset
            let reference = (try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(shifted))
                .map { Int64(($0.timeIntervalSince1970 * 1000).rounded()) }
            #expect(RFC3339.parseCommonShape(shifted) == reference, "\(shifted)")
        }
    }

    @Test(arguments: ["2026-02-30T00:00:00Z", "2026-13-01T00:00:00Z", "2026-11-27T24:00:00Z", "2026-11-27T08:00:00",
                      "2026-11-27 08:00:00Z", "2026-11-27T08:00:00.Z", "2026-11-27T08:00:00+0100"])
    func rejectsOtherShapes(_ text: String) {
        #expect(RFC3339.parseCommonShape(text) == nil)
    }

    @Test func keepsMillisecondsAndTruncatesFinerDigits() {
        #expect(RFC3339.parseCommonShape("2026-11-27T08:00:00.5Z") == RFC3339.parse("2026-11-27T08:00:00.500Z"))
        #expect(RFC3339.parseCommonShape("2026-11-27T08:00:00.123456Z") == 1_795_766_400_123)
        #expect(RFC3339.parseCommonShape("2024-02-29T12:00:00Z") != nil)
    }
}

/// The hand-written RFC 3339 formatter agrees with `String(format:)` over gmtime, everywhere.
@Suite struct RFC3339FormatAgreementTests {
    static func reference(_ millis: EpochMillis) -> String {
        var seconds = time_t(millis.floorDiv(1000))
        let ms = Int(millis - Int64(seconds) * 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
            Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), ms)
    }

    @Test func agreesOnEdgesAndRandomInstants() {
        var generator = SeededGenerator(seed: 7)
        var instants: [EpochMillis] = [0, -1, 1, 999, 1_000, 86_399_999, 1_795_766_400_123, 253_402_300_799_999, -62_135_596_800_000]
        for _ in 0..<5_000 { instants.append(EpochMillis.random(in: -62_135_596_800_000...253_402_300_799_999, using: &generator)) }
        for millis in instants {
            #expect(RFC3339.format(millis) == Self.reference(millis), "\(millis)")
        }
    }
}
