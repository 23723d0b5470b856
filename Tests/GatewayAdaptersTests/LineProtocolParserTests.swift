import Foundation
import GatewayCore
import Testing
@testable import GatewayAdapters

/// The line protocol parser on its own (tokens, escapes, value types, what makes a line malformed,
/// limits), the number conversion it relies on, and the few adapter behaviours the golden cases
/// do not pin down.
@Suite struct LineProtocolParserTests {
    /// A parsed line turned into plain values, so that expectations read like the input.
    enum Decoded: Equatable, CustomStringConvertible {
        case line(number: Int, measurement: String, tags: [String], fields: [String], timestamp: Int64?)
        case problem(number: Int, message: String)

        var description: String {
            switch self {
            case .line(let n, let m, let t, let f, let ts): "line \(n): \(m) \(t) \(f) \(ts.map(String.init) ?? "-")"
            case .problem(let n, let message): "problem \(n): \(message)"
            }
        }
    }

    static func parse(_ text: String, maxLines: Int = 1000) -> [Decoded]? {
        Array(text.utf8).withUnsafeBufferPointer { bytes in
            guard case .success(let batch) = LineProtocolParser.parse(bytes, maxLines: maxLines) else { return nil }
            return batch.entries.map { entry in
                switch entry {
                case .problem(let problem):
                    return .problem(number: problem.number, message: problem.message)
                case .line(let line):
                    let tags = batch.tags[line.tags].map { "\($0.key.text(in: bytes))=\($0.value.text(in: bytes))" }
                    let fields = batch.fields[line.fields].map { field in
                        let key = field.key.text(in: bytes)
                        switch field.kind {
                        case .string: return "\(key)=\"\(field.text.text(in: bytes, quoted: true))\""
                        case .boolean: return "\(key)=\(field.number != 0)"
                        case .integer, .unsigned: return "\(key)=\(field.text.text(in: bytes))"
                        case .float: return "\(key)=\(field.number)"
                        }
                    }
                    return .line(number: line.number, measurement: line.measurement.text(in: bytes), tags: tags,
                                 fields: fields, timestamp: line.timestamp)
                }
            }
        }
    }

    static func problem(_ text: String) -> String? {
        guard case .problem(_, let message)? = parse(text)?.first else { return nil }
        return message
    }

    // MARK: structure

    @Test func readsMeasurementTagsFieldsAndTimestamp() {
        #expect(Self.parse("mqtt_consumer,host=gw1,device=wm-1 pressure=412.5,flow=12i 1764230400000000000") == [
            .line(number: 1, measurement: "mqtt_consumer", tags: ["host=gw1", "device=wm-1"],
                  fields: ["pressure=412.5", "flow=12i"], timestamp: 1_764_230_400_000_000_000),
        ])
    }

    @Test func timestampAndTagsAreOptionalAndSpacesMayRepeat() {
        #expect(Self.parse("cpu  usage=1   -5  \nmem free=2") == [
            .line(number: 1, measurement: "cpu", tags: [], fields: ["usage=1.0"], timestamp: -5),
            .line(number: 2, measurement: "mem", tags: [], fields: ["free=2.0"], timestamp: nil),
        ])
    }

    @Test func backslashEscapesInNamesAndStrings() {
        let text = #"my\ meas\,ure,tag\ key=a\,b\=c\ d,t2=back\\slash field\=1="say \"hi\", x=1 \\ \n",f\,2=1 7"#
        #expect(Self.parse(text) == [
            .line(number: 1, measurement: "my meas,ure", tags: ["tag key=a,b=c d", #"t2=back\slash"#],
                  fields: [#"field=1="say "hi", x=1 \ \n""#, "f,2=1.0"], timestamp: 7),
        ])
    }

    @Test func aBackslashBeforeAnOrdinaryCharacterIsKept() {
        #expect(Self.parse(#"m,path=C:\temp v=1"#) == [
            .line(number: 1, measurement: "m", tags: [#"path=C:\temp"#], fields: ["v=1.0"], timestamp: nil),
        ])
    }

    @Test func everyFieldType() {
        let text = "m a=1,b=-1.5,c=1e3,d=1.5E-2,e=.5,f=2.,g=-12i,h=9223372036854775807i,i=-9223372036854775808i,"
            + "j=18446744073709551615u,k=t,l=T,m=true,n=True,o=TRUE,p=f,q=F,r=false,s=False,u=FALSE,v=\"\",w=007"
        guard case .line(_, _, _, let fields, _)? = Self.parse(text)?.first else {
            Issue.record("did not parse: \(String(describing: Self.parse(text)))")
            return
        }
        #expect(fields == [
            "a=1.0", "b=-1.5", "c=1000.0", "d=0.015", "e=0.5", "f=2.0", "g=-12i", "h=9223372036854775807i",
            "i=-9223372036854775808i", "j=18446744073709551615u", "k=true", "l=true", "m=true", "n=true", "o=true",
            "p=false", "q=false", "r=false", "s=false", "u=false", #"v="""#, "w=7.0",
        ])
    }

    @Test(arguments: [
        "1.5i", "12a", "NaN", "nan", "Inf", "+1", "tru", "tRUE", "TRue", "1e", "--1", "1.2.3", "0x10",
        "9223372036854775808i", "-9223372036854775809i", "-1u", "18446744073709551616u", "i", "u",
    ])
    func valuesThatAreNotLineProtocol(_ value: String) {
        #expect(Self.problem("m v=\(value) 1")?.contains("is not a float, an integer (12i)") == true, "\(value)")
    }

    @Test(arguments: [
        ("m", "the line has no fields"),
        ("m,t=1", "the line has no fields"),
        ("m ", "the line has no fields"),
        (",t=1 v=1", "the line starts without a measurement name"),
        ("m,t v=1", "tag 't' has no '=value'"),
        ("m,t= v=1", "tag 't' has an empty value"),
        ("m,=x v=1", "a tag has an empty key"),
        ("m v", "field 'v' has no '=value'"),
        ("m v=", "field 'v' has no value"),
        ("m v=1,", "a field has an empty name"),
        ("m =1", "a field has an empty name"),
        ("m v=\"open", "has no closing '\"'"),
        ("m v=\"a\"x", "unexpected 'x' after the last field"),
        ("m v=1 12.5", "the timestamp '12.5' is not a whole number"),
        ("m v=1 99999999999999999999", "is not a whole number that fits in 64 bits"),
        ("m v=1 1 2", "unexpected text after the timestamp"),
        ("m\tv=1", "the line has no fields"),
    ])
    func malformedLines(_ line: String, _ expected: String) {
        let message = Self.problem(line)
        #expect(message?.contains(expected) == true, "\(line): got \(message ?? "no problem")")
    }

    @Test func blankLinesCommentsCRLFAndByteOrderMarkAreSkippedButCounted() {
        let text = "\u{FEFF}# header\r\n\r\n   \t\r\n  m v=1\r\n\t# indented comment\nm v=2 3\r\n"
        #expect(Self.parse(text) == [
            .line(number: 4, measurement: "m", tags: [], fields: ["v=1.0"], timestamp: nil),
            .line(number: 6, measurement: "m", tags: [], fields: ["v=2.0"], timestamp: 3),
        ])
    }

    @Test func aBrokenLineKeepsTheOthersAndLeavesNoTagsBehind() {
        let text = "a,x=1 v=1\nb,y=2,z=3 v=oops\nc,w=4 v=3"
        let entries = Self.parse(text)
        #expect(entries == [
            .line(number: 1, measurement: "a", tags: ["x=1"], fields: ["v=1.0"], timestamp: nil),
            .problem(number: 2, message: "field 'v' = 'oops' is not a float, an integer (12i), an unsigned integer (12u), a boolean or a quoted string"),
            .line(number: 3, measurement: "c", tags: ["w=4"], fields: ["v=3.0"], timestamp: nil),
        ])
    }

    @Test func aProblemRemembersTheMeasurementWhenItGotThatFar() {
        Array("mem,host=a used=oops\n v".utf8).withUnsafeBufferPointer { bytes in
            guard case .success(let batch) = LineProtocolParser.parse(bytes, maxLines: 10) else {
                Issue.record("limit")
                return
            }
            guard batch.entries.count == 2,
                  case .problem(let first) = batch.entries[0], case .problem(let second) = batch.entries[1] else {
                Issue.record("expected two problems")
                return
            }
            #expect(first.measurement?.text(in: bytes) == "mem")
            #expect(second.measurement?.text(in: bytes) == "v")
        }
    }

    @Test func maxLinesCountsPointLinesOnly() {
        let text = "# one\nm v=1\n\n# two\nm v=2\n"
        #expect(Self.parse(text, maxLines: 2)?.count == 2)
        #expect(Self.parse(text + "m v=3", maxLines: 2) == nil)
        #expect(Self.parse(text + "broken", maxLines: 2) == nil, "malformed lines count too")
    }

    @Test func tokenComparisonUndoesEscapes() {
        Array(#"a\ b\,c\=d\\e plain"#.utf8).withUnsafeBufferPointer { bytes in
            let escaped = LineToken(start: 0, end: 13, escaped: true)
            #expect(escaped.text(in: bytes) == #"a b,c=d\e"#)
            #expect(escaped.equals(Array(#"a b,c=d\e"#.utf8), in: bytes))
            #expect(!escaped.equals(Array(#"a b,c=d\"#.utf8), in: bytes))
            #expect(!escaped.equals(Array(#"a\ b,c=d\e"#.utf8), in: bytes))
            let plain = LineToken(start: 14, end: 19, escaped: false)
            #expect(plain.equals(Array("plain".utf8), in: bytes))
            #expect(!plain.equals(Array("plai".utf8), in: bytes))
        }
    }

    // MARK: numbers and timestamps

    /// Every conversion equals the standard library's correctly rounded one, on the fast path and off it.
    @Test func decimalConversionMatchesTheStandardLibrary() {
        var generator = SeededGenerator(seed: 8428)
        var checked = 0
        for _ in 0..<20_000 {
            let digits = 1 + generator.below(24)
            var text = generator.below(3) == 0 ? "-" : ""
            let point = generator.below(digits + 2)
            for index in 0..<digits {
                if index == point { text += "." }
                text += String(generator.below(10))
            }
            if generator.below(3) == 0 { text += "e\(generator.below(2) == 0 ? "-" : "")\(generator.below(330))" }
            let expected = Double(text)
            let got = Array(text.utf8).withUnsafeBufferPointer {
                DecimalText.double($0, 0, $0.count, grammar: .lineProtocol)
            }
            #expect(got?.bitPattern == expected?.bitPattern, "\(text): \(String(describing: got)) ≠ \(String(describing: expected))")
            checked += 1
        }
        #expect(checked == 20_000)
    }

    @Test(arguments: [("0", true), ("-0.5", true), ("1e5", true), ("01", false), (".5", false), ("1.", false),
                      ("-", false), ("1e+", false), ("+1", false), ("1E-2", true)])
    func jsonGrammarIsStrict(_ text: String, _ valid: Bool) {
        let value = Array(text.utf8).withUnsafeBufferPointer { DecimalText.double($0, 0, $0.count, grammar: .json) }
        #expect((value != nil) == valid, "\(text)")
    }

    @Test func precisionsConvertToMillisecondsRoundingTowardThePast() {
        #expect(InfluxPrecision.nanoseconds.millis(1_764_230_400_123_999_999) == 1_764_230_400_123)
        #expect(InfluxPrecision.microseconds.millis(1_764_230_400_123_999) == 1_764_230_400_123)
        #expect(InfluxPrecision.milliseconds.millis(1_764_230_400_123) == 1_764_230_400_123)
        #expect(InfluxPrecision.seconds.millis(1_764_230_400) == 1_764_230_400_000)
        #expect(InfluxPrecision.nanoseconds.millis(-1) == nil, "before 1970")
        #expect(InfluxPrecision.seconds.millis(.max) == nil, "overflows")
        #expect(InfluxPrecision.seconds.millis(253_402_300_800) == nil, "after 9999")
    }

    // MARK: through the adapter

    static func decode(_ payload: String, options: [OptionEntry] = [], receivedAt: EpochMillis = 1_795_766_400_000) throws -> MessageDecoder.Result {
        let route = RouteConfiguration(
            id: "lp", topic: "lp/#", format: "influx", utility: .literal("water"), site: .literal("north"),
            device: try FieldTemplate.parse("{payload.tags.device}").get(),
            metrics: [MetricMapping(name: "pressure", path: "pressure", unit: "kPa")],
            formatOptions: options.isEmpty ? [:] : ["influx": .map(options)])
        let decoder = try MessageDecoder(routes: [route], limits: IngestSettings())
        return decoder.decode(InboundMessage(topic: "lp/x", payload: Array(payload.utf8), qos: 1, retain: false, receivedAt: receivedAt))
    }

    @Test func aLineWithoutTimestampIsMarkedAsTimedByReceipt() throws {
        let result = try Self.decode("m,device=a pressure=1\nm,device=b pressure=2 1795766340000000000")
        #expect(result.readings.map(\.timestamp) == [1_795_766_400_000, 1_795_766_340_000])
        #expect(result.readings.map { $0.quality.contains(.timestampFromReceipt) } == [true, false])
    }

    @Test func repeatedKeysTakeTheLastOneAsInfluxDBDoes() throws {
        let result = try Self.decode("m,device=a,device=b pressure=1,pressure=2")
        #expect(result.readings.map(\.device) == ["b"])
        #expect(result.readings.map(\.value) == [2])
    }

    @Test func invalidUTF8AndEmptyPayloads() throws {
        var bytes = Array("m,device=a pressure=1".utf8)
        bytes[12] = 0xFF
        let decoder = try MessageDecoder(routes: [RouteConfiguration(
            id: "lp", topic: "lp/#", format: "influx", utility: .literal("water"), site: .literal("n"), device: .literal("d"),
            metrics: [MetricMapping(name: "pressure", path: "pressure", unit: "kPa")])], limits: IngestSettings())
        let broken = decoder.decode(InboundMessage(topic: "lp/x", payload: bytes, qos: 1, retain: false, receivedAt: 0))
        #expect(broken.quarantined.map(\.reason) == [.invalidEncoding])
        let empty = try Self.decode("# only a comment\n\n")
        #expect(empty.quarantined.map(\.reason) == [.noReadings])
        #expect(empty.quarantined.first?.message.contains("no line protocol point") == true)
    }

    @Test func measurementFilterIgnoresOtherMeasurementsEvenBrokenOnes() throws {
        let result = try Self.decode(
            "cpu usage=oops\nwater,device=a pressure=1\nwater,device=b pressure=oops\n",
            options: [OptionEntry(key: "measurement", value: .scalar("water"))])
        #expect(result.readings.map(\.device) == ["a"])
        #expect(result.quarantined.map(\.reason) == [.malformed])
        #expect(result.quarantined.first?.message.hasPrefix("line 3: ") == true)
    }

    @Test func configurationProblemsAreReportedTogether() {
        let route = RouteConfiguration(
            id: "lp", topic: "lp/#", format: "influx", utility: .literal("water"), site: .literal("n"), device: .literal("d"),
            metrics: [MetricMapping(name: "pressure", path: "measurement", unit: "kPa"),
                      MetricMapping(name: "flow", path: "tags.", unit: "m3/h")],
            formatOptions: ["influx": .map([
                OptionEntry(key: "max_lines", value: .scalar("0")),
                OptionEntry(key: "measurement", value: .scalar("")),
            ])])
        guard case .failure(let errors) = InfluxAdapter.make(route: route) else {
            Issue.record("the route was accepted")
            return
        }
        let paths = errors.errors.map(\.keyPath)
        #expect(paths == ["influx.max_lines", "influx.measurement", "metrics[0].path", "metrics[1].path"], "\(errors.errors)")
    }
}
