import Foundation
import GatewayCore
import Testing
@testable import GatewayAdapters

/// SenML on its own: the JSON reader (against Foundation's parser on tricky inputs), base-field
/// resolution and times (RFC 8428 §4.5–4.6), the name-matching rules, pack-level refusals, and the
/// adapter behaviours the golden cases do not pin down.
@Suite struct SenMLResolutionTests {
    static let receivedAt: EpochMillis = 1_795_766_400_000

    static func read(_ json: String, maxRecords: Int = 1000) -> Result<[SenMLRawRecord], SenMLJSONReader.Failure> {
        Array(json.utf8).withUnsafeBufferPointer { bytes in
            Result { () throws(SenMLJSONReader.Failure) in try SenMLJSONReader.read(bytes, maxRecords: maxRecords) }
        }
    }

    static func resolve(_ json: String) throws -> [SenMLResolver.Resolution] {
        let records = try read(json).get()
        var resolver = SenMLResolver(receivedAt: receivedAt)
        return records.enumerated().map { resolver.resolve($1, index: $0) }
    }

    static func resolved(_ json: String) throws -> [SenMLResolvedRecord] {
        try resolve(json).compactMap { if case .record(let record) = $0 { record } else { nil } }
    }

    // MARK: resolution

    @Test func baseFieldsApplyUntilChanged() throws {
        let records = try Self.resolved("""
            [{"bn":"dev-a:","bu":"kPa","bt":1795766340,"n":"p","v":1},
             {"n":"q","u":"bar","v":2},
             {"bn":"dev-b/","bu":"V","n":"p","t":30,"v":3},
             {"bn":"","n":"solo","v":4}]
            """)
        #expect(records.map(\.fullName) == ["dev-a:p", "dev-a:q", "dev-b/p", "solo"])
        #expect(records.map(\.unit) == ["kPa", "bar", "V", "V"])
        #expect(records.map(\.device) == ["dev-a", "dev-a", "dev-b", nil])
        #expect(records.map(\.timestamp) == [1_795_766_340_000, 1_795_766_340_000, 1_795_766_370_000, 1_795_766_340_000])
        #expect(records.allSatisfy { !$0.isRelative })
    }

    @Test func timesBelowTwoToThe28AreRelativeToReceipt() throws {
        let records = try Self.resolved("""
            [{"n":"a","v":1},{"n":"b","t":-5,"v":1},{"n":"c","t":0.25,"v":1},
             {"n":"d","t":268435455,"v":1},{"n":"e","t":268435456,"v":1},{"n":"f","t":1.276020076001e+09,"v":1}]
            """)
        #expect(records.map(\.timestamp) == [
            nil, Self.receivedAt - 5000, Self.receivedAt + 250, Self.receivedAt + 268_435_455_000,
            268_435_456_000, 1_276_020_076_001,
        ])
        #expect(records.map(\.isRelative) == [true, true, true, true, false, false])
    }

    @Test func aBaseTimeMakesRelativeOffsetsAbsolute() throws {
        let records = try Self.resolved(#"[{"bt":1.320067464e+09,"n":"a","t":-1.5,"v":1},{"n":"b","v":2}]"#)
        #expect(records.map(\.timestamp) == [1_320_067_462_500, 1_320_067_464_000])
        #expect(records.map(\.isRelative) == [false, false])
    }

    @Test func timesOutsideTheStorableRangeFailTheRecord() throws {
        let results = try Self.resolve(#"[{"n":"a","t":1e300,"v":1},{"n":"b","t":-1e12,"v":1},{"n":"c","v":1}]"#)
        #expect(results.count == 3)
        for result in results.prefix(2) {
            guard case .failure(let failure) = result else {
                Issue.record("expected a failure, got \(result)")
                continue
            }
            #expect(failure.reason == .invalidValue)
        }
        guard case .record = results[2] else {
            Issue.record("the third record should resolve")
            return
        }
    }

    @Test func baseValueAddsToNumericValuesOnly() throws {
        let records = try Self.resolved(#"[{"bv":100,"n":"a","v":0.5},{"n":"b","vs":"x"},{"n":"c","vb":true},{"n":"d","vd":"AQI="},{"n":"e","s":3}]"#)
        #expect(records.map(\.value) == [.number(100.5), .string("x"), .bool(true), .string("AQI="), nil])
        #expect(records.map(\.hasSum) == [false, false, false, false, true])
    }

    @Test func recordsWithOnlyBaseFieldsCarryNothing() throws {
        let results = try Self.resolve(#"[{"bn":"dev:","bt":1795766340},{},{"n":"a","v":1}]"#)
        #expect(results.count == 3)
        #expect(results[0] == .baseOnly)
        #expect(results[1] == .baseOnly)
        guard case .record(let record) = results[2] else {
            Issue.record("expected a record")
            return
        }
        #expect(record.fullName == "dev:a")
        #expect(record.timestamp == 1_795_766_340_000)
    }

    @Test func recordLevelProblems() throws {
        let results = try Self.resolve(#"[{"n":"a","v":1,"vs":"1"},{"v":1},{"n":5,"v":1},"text",{"n":"ok","v":1}]"#)
        let failures: [String] = results.compactMap {
            if case .failure(let failure) = $0 { "\(failure.reason.rawValue): \(failure.message)" } else { nil }
        }
        #expect(failures == [
            "malformed: record 0 (a) has more than one value (v, vs); a SenML record carries one",
            "malformed: record 1 has a value but no name (bn + n is empty)",
            "wrong_type: record 2: 'n' is a number; expected a string",
            "wrong_type: record 3 is a string; expected a SenML record (a JSON object)",
        ])
    }

    // MARK: pack-level refusals

    @Test(arguments: [
        (#"[{"bn":"d:","n":"a","v":1,"x_":1}]"#, "malformed: record 0 has the field 'x_'"),
        (#"[{"n":"a","v":1},{"bver":11,"n":"a","v":1}]"#, "malformed: record 1: SenML version 11 is newer than 10"),
        (#"[{"bver":2.5,"n":"a","v":1}]"#, "malformed: record 0: bver 2.5 is not a positive whole number"),
        (#"[{"bver":0,"n":"a","v":1}]"#, "malformed: record 0: bver 0.0 is not a positive whole number"),
        (#"[{"n":"a","v":1},{"bt":"yesterday","n":"a","v":1}]"#, "wrong_type: record 1: base field 'bt' is a string"),
        (#"[{"bn":["a"],"n":"a","v":1}]"#, "wrong_type: record 0: base field 'bn' is an array"),
    ])
    func packProblems(_ json: String, _ expected: String) throws {
        let problem = SenMLResolver.packProblem(try Self.read(json).get())
        #expect(problem.map { "\($0.reason.rawValue): \($0.message)" }?.hasPrefix(expected) == true, "\(String(describing: problem))")
    }

    @Test func versionTenAndUnknownOrdinaryFieldsAreFine() throws {
        #expect(SenMLResolver.packProblem(try Self.read(#"[{"bver":10,"n":"a","v":1,"ext":{"deep":[1,{"x":null}]},"ut":5}]"#).get()) == nil)
    }

    // MARK: names

    @Test(arguments: [
        ("temperature", true), ("urn:dev:ow:10e2073a01080063:temperature", true), ("perature", false),
        ("10e2073a01080063:temperature", false), ("urn:dev:ow:10e2073a01080063", false), ("", false),
    ])
    func pathsMatchTheNameItsFullFormOrItsLastSegment(_ path: String, _ matches: Bool) throws {
        let forms = [
            #"[{"bn":"urn:dev:ow:10e2073a01080063:","n":"temperature","v":1}]"#,
            #"[{"n":"urn:dev:ow:10e2073a01080063:temperature","v":1}]"#,
        ]
        for json in forms {
            let record = try #require(try Self.resolved(json).first)
            #expect(record.matches(path) == matches, "\(path) in \(json)")
        }
    }

    @Test func nameMatchingEdgeCases() throws {
        let slashBase = try #require(try Self.resolved(#"[{"bn":"dev7/","n":"flow","v":1}]"#).first)
        #expect(slashBase.matches("flow") && slashBase.matches("dev7/flow") && !slashBase.matches("dev7"))
        let colonInName = try #require(try Self.resolved(#"[{"bn":"gw:","n":"meter:flow","v":1}]"#).first)
        #expect(colonInName.matches("flow") && colonInName.matches("meter:flow") && colonInName.matches("gw:meter:flow"))
        #expect(!colonInName.matches("gw:meter"))
        let baseOnlyName = try #require(try Self.resolved(#"[{"bn":"urn:dev:ow:10e2073a01080063","v":1}]"#).first)
        #expect(baseOnlyName.matches("10e2073a01080063") && baseOnlyName.matches("urn:dev:ow:10e2073a01080063"))
    }

    @Test func devicePartOfTheName() throws {
        let records = try Self.resolved(#"""
            [{"bn":"urn:dev:ow:1:","n":"a","v":1},{"bn":"plant/pump-3/","n":"a","v":1},{"bn":"plain","n":"a","v":1},
             {"bn":":","n":"a","v":1},{"bn":"","n":"urn:dev:mac:0024befffe804ff1:temp","v":1},{"n":"nocolon","v":1},
             {"n":":leading","v":1}]
            """#)
        #expect(records.map(\.device) == ["urn:dev:ow:1", "plant/pump-3", "plain", ":", "urn:dev:mac:0024befffe804ff1", nil, nil])
    }

    // MARK: the JSON reader

    @Test func stringsWithEscapesAndEscapedLabels() throws {
        let records = try Self.read(#"[{"\u006e":"caf\u00e9 \ud83d\ude00\n\"q\"\/","\u0076":1.5}]"#).get()
        #expect(records.first?.name == "café 😀\n\"q\"/")
        #expect(records.first?.value == 1.5)
    }

    @Test func nullIsAbsentAndWrongTypesAreNoted() throws {
        let record = try #require(try Self.read(#"[{"n":null,"u":"V","v":null,"t":true}]"#).get().first)
        #expect(record.name == nil && record.value == nil && record.unit == "V")
        #expect(record.typeProblem == SenMLTypeProblem(label: "t", got: "a boolean", expected: "a number", isBaseField: false))
    }

    @Test func limits() {
        #expect(Self.read(#"[{"n":"a","v":1},{"n":"b","v":2}]"#, maxRecords: 1) == .failure(.tooManyRecords))
        let deep = "[{\"x\":" + String(repeating: "[", count: 40) + String(repeating: "]", count: 40) + "}]"
        #expect(Self.read(deep) == .failure(.tooDeep))
        #expect(Self.read(" \u{FEFF}[]") != .success([]) , "a byte order mark only at the very start")
        #expect((try? Self.read("\u{FEFF} [ ] ").get())?.isEmpty == true)
    }

    @Test func topLevelValuesThatAreNotArrays() {
        #expect(Self.read(#"{"n":"a"}"#) == .failure(.notAnArray("an object")))
        #expect(Self.read("42") == .failure(.notAnArray("a number")))
        #expect(Self.read("\"x\"") == .failure(.notAnArray("a string")))
    }

    /// On inputs where hand-written JSON parsers often go wrong, the reader accepts exactly what
    /// Foundation's parser accepts (the json format's parser), trailing commas included.
    @Test(arguments: [
        "[]", " [ ] ", "[{}]", "[1,]", "[,1]", "[01]", "[1.]", "[.5]", "[-]", "[1e]", "[1e5]", "[-0.0e-0]", "[\"\\x\"]",
        "[{\"a\":1,}]", "[{\"a\" 1}]", "[{\"a\":1}", "[\"\\u12\"]", "[\"\\u12G4\"]", "[\"a\u{01}\"]", "[tru]", "[true false]",
        "[null]", "[[[]]]", "[{\"a\":{\"b\":[1,2,{\"c\":\"d\"}]}}]", "[1] x", "[\"\\ud83d\\ude00\"]", "[{1:2}]",
        "[\"\t\"]", "[1 2]", "[,]", "[{},]", "[{\"a\":[1,],},]", "[{\"a\":1,,}]", "[{\"n\":\"a\",\"v\":1}{\"n\":\"b\"}]", "[{\"v\":-}]", "[{\"v\":+1}]", "[{\"v\":1E+2}]",
    ])
    func agreesWithFoundationOnValidity(_ json: String) {
        let foundation = (try? JSONSerialization.jsonObject(with: Data(json.utf8))) != nil
        let ours: Bool
        switch Self.read(json) {
        case .success: ours = true
        case .failure(.malformed): ours = false
        case .failure(let other): ours = true; Issue.record("\(json): \(other)")
        }
        #expect(ours == foundation, "\(json): Foundation says \(foundation ? "valid" : "invalid")")
    }

    // MARK: through the adapter

    static func decoder(metrics: [MetricMapping] = [MetricMapping(name: "pressure", path: "pressure")]) throws -> MessageDecoder {
        let route = RouteConfiguration(
            id: "s", topic: "s/#", format: "senml", utility: .literal("water"), site: .literal("north"),
            device: try FieldTemplate.parse("{payload.bn}").get(), metrics: metrics)
        return try MessageDecoder(routes: [route], limits: IngestSettings())
    }

    static func decode(_ json: String, with decoder: MessageDecoder) -> MessageDecoder.Result {
        decoder.decode(InboundMessage(topic: "s/x", payload: Array(json.utf8), qos: 1, retain: false, receivedAt: receivedAt))
    }

    @Test func timesCountedFromReceiptAreMarkedSo() throws {
        let result = Self.decode("""
            [{"bn":"d:","n":"pressure","u":"kPa","v":1},{"n":"pressure","u":"kPa","t":-5,"v":2},
             {"n":"pressure","u":"kPa","t":1795766340,"v":3}]
            """, with: try Self.decoder())
        #expect(result.quarantined.isEmpty)
        #expect(result.readings.map { $0.quality.contains(.timestampFromReceipt) } == [true, true, false])
        #expect(result.readings.map(\.timestamp) == [Self.receivedAt, Self.receivedAt - 5000, 1_795_766_340_000])
    }

    @Test func wholePayloadFailures() throws {
        let decoder = try Self.decoder()
        var bytes = Array(#"[{"bn":"d:","n":"pressure","u":"kPa","v":1}]"#.utf8)
        bytes[9] = 0xC3
        let broken = decoder.decode(InboundMessage(topic: "s/x", payload: bytes, qos: 1, retain: false, receivedAt: Self.receivedAt))
        #expect(broken.quarantined.map(\.reason) == [.invalidEncoding])
        #expect(Self.decode("[]", with: decoder).quarantined.map(\.message) == ["the SenML pack is an empty array"])
        #expect(Self.decode("", with: decoder).quarantined.map(\.reason) == [.malformed])
        #expect(Self.decode(#"[{"bn":"d:"}]"#, with: decoder).quarantined.map(\.reason) == [.noReadings])
    }

    @Test func aFailureNamesTheRecord() throws {
        let result = Self.decode(#"[{"bn":"urn:dev:ow:7:","n":"pressure","u":"furlong","v":1}]"#, with: try Self.decoder())
        #expect(result.quarantined.map(\.message) == ["record 0 (urn:dev:ow:7:pressure): metric 'pressure': unknown unit 'furlong'"])
    }

    /// Device ids from names may be any text but control characters, C1 ones (U+0080–U+009F) included.
    @Test func controlCharactersInTheDevicePartAreRefused() throws {
        let decoder = try Self.decoder()
        let results = [#"café:"#, #"dev\u0085:"#, #"dev\u001f:"#, #"dev\u007f:"#, #"\u00a0dev:"#].map {
            Self.decode(#"[{"bn":"\#($0)","n":"pressure","u":"kPa","v":1}]"#, with: decoder)
        }
        #expect(results.map(\.readings.count) == [1, 0, 0, 0, 1])
        #expect(results.map { $0.quarantined.map(\.reason) } == [[], [.invalidIdentity], [.invalidIdentity], [.invalidIdentity], []])
        #expect(results[0].readings.first?.device == "café")
    }

    @Test func equivalentDeclaredAndRecordUnitsAgree() throws {
        let decoder = try Self.decoder(metrics: [MetricMapping(name: "flow", path: "flow", unit: "L/s")])
        let result = Self.decode(#"[{"bn":"d:","n":"flow","u":"l/s","v":1}]"#, with: decoder)
        #expect(result.quarantined.isEmpty)
        #expect(result.readings.map(\.value) == [3.6])
    }

    @Test func configurationProblemsAreReportedTogether() throws {
        let route = RouteConfiguration(
            id: "s", topic: "s/#", format: "senml", utility: .literal("water"),
            site: try FieldTemplate.parse("{payload.site}").get(), device: try FieldTemplate.parse("{payload.bn}").get(),
            timestamp: TimestampMapping(path: "t", format: .epochSeconds),
            metrics: [MetricMapping(name: "pressure", path: "name", unit: "kPa"),
                      MetricMapping(name: "flow", path: "flow", unitPath: "u")],
            formatOptions: ["senml": .map([OptionEntry(key: "max_records", value: .scalar("none"))])])
        guard case .failure(let errors) = SenMLAdapter.make(route: route) else {
            Issue.record("the route was accepted")
            return
        }
        #expect(errors.errors.map(\.keyPath) == ["senml.max_records", "timestamp", "metrics[0].path", "metrics[1].unit_path", "site"],
                "\(errors.errors)")
    }
}
