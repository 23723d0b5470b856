import Foundation
import GatewayCore
import Testing
@testable import GatewayAdapters

/// The XML adapter's parts on their own — the path compiler, the DOCTYPE/encoding preflight — and
/// the path semantics that the golden cases do not pin down one by one.
@Suite struct XMLAdapterTests {
    static let cim = "http://iec.ch/TC57/2011/MeterReadings#"

    // MARK: path compiler

    @Test func compilesStepsWithPrefixesResolvedToURIs() throws {
        let path = try XMLPath.parse("../m:Readings[m:ReadingType/@ref='0.0.72']/m:value", namespaces: ["m": Self.cim]).get()
        #expect(!path.absolute)
        #expect(path.description == "../m:Readings[m:ReadingType/@ref='0.0.72']/m:value")
        let predicate = XMLPath.Predicate(
            path: try XMLPath.parse("m:ReadingType/@ref", namespaces: ["m": Self.cim], usage: .predicate).get(), literal: "0.0.72")
        #expect(path.steps == [
            .parent,
            .element(XMLPath.Name(local: "Readings", namespace: .uri(Self.cim)), predicate),
            .element(XMLPath.Name(local: "value", namespace: .uri(Self.cim)), nil),
        ])
    }

    @Test func unprefixedElementsMatchAnyNamespaceAndUnprefixedAttributesNone() throws {
        let path = try XMLPath.parse("/feed/entry/@xml:lang", namespaces: [:]).get()
        #expect(path.absolute)
        #expect(path.steps == [
            .element(XMLPath.Name(local: "feed", namespace: .any), nil),
            .element(XMLPath.Name(local: "entry", namespace: .any), nil),
            .attribute(XMLPath.Name(local: "lang", namespace: .uri(XMLPath.xmlNamespace))),
        ])
        #expect(try XMLPath.parse("@ref", namespaces: [:]).get().steps == [.attribute(XMLPath.Name(local: "ref", namespace: .none))])
        #expect(try XMLPath.parse(".", namespaces: [:]).get().steps == [.current])
    }

    @Test(arguments: [
        ("", XMLPath.Usage.value, "the path is empty"),
        ("/", .value, "'/' alone is the document"),
        ("a//b", .value, "'//' (search at any depth) is not supported"),
        ("a/", .value, "ends with '/'"),
        ("@a/b", .value, "an attribute (@name) can only be the last step"),
        ("a/*", .value, "wildcards"),
        ("a/text()", .value, "functions"),
        ("a[1]", .value, "positions such as [1] are not supported"),
        ("a[b=x]", .value, "quoted"),
        ("a[b='x'", .value, "is not closed by ']'"),
        ("a[b='x", .value, "not closed"),
        ("m:a", .value, "prefix 'm' is not declared in xml.namespaces (none are declared)"),
        ("a:b:c", .value, "is not a name"),
        ("...", .value, "'...' is not a step"),
        ("a b", .value, "unexpected ' '"),
        ("MeterReading", .each, "begins with '/'"),
        ("/a/@id", .each, "an attribute cannot be a record"),
        ("/a/../b", .each, "'.' and '..' do not belong in it"),
        ("a[b[c='1']='2']", .value, "cannot have brackets of its own"),
        ("a[../b='2']", .value, "in [...]"),
    ])
    func refusesPathsWithASentence(text: String, usage: XMLPath.Usage, fragment: String) {
        guard case .failure(let problem) = XMLPath.parse(text, namespaces: [:], usage: usage) else {
            Issue.record("'\(text)' parsed")
            return
        }
        #expect(problem.message.contains(fragment), "\(problem.message)")
    }

    @Test(arguments: [("  Köln é \n", "Köln é"), ("\t\r\n", ""), ("é", "é"), (" \u{301}x ", "\u{301}x"), ("a b", "a b")])
    func trimsXMLSpaceOnly(text: String, expected: String) {
        #expect(text.trimmingXMLSpace() == expected)
        #expect("\u{A0}1\u{A0}".trimmingXMLSpace() == "\u{A0}1\u{A0}")
    }

    // MARK: preflight

    @Test(arguments: [
        "<r><v>1</v></r>",
        "\u{FEFF}<?xml version=\"1.0\" encoding=\"UTF-8\"?><r/>",
        "<?xml version='1.0' encoding='us-ascii' standalone='yes'?><r/>",
        "<r><!-- a > b, <x/> --><![CDATA[ <v a=\"1\"> ]]><?pi x=\"1\"?><?pi ?></r>",
        "<?xml-stylesheet type=\"text/xsl\" href=\"GreenButton.xslt\"?><r><!-- <?pi?> --></r>",
        "<r a=\"x>y\" b='=='/>",
        "<r>Köln – 12 °C</r>",
    ])
    func preflightLetsOrdinaryDocumentsThrough(text: String) {
        #expect(XMLPreflight.check(Array(text.utf8), maxAttributes: 2) == nil)
    }

    @Test(arguments: [
        ("<!DOCTYPE r><r/>", QuarantineReason.malformed, "found '<!DOCTYPE' at byte 0"),
        ("<r/><!doctype r>", .malformed, "found '<!DOCTYPE' at byte 4"),
        ("<r><![CDATA[<!DocType x>]]></r>", .malformed, "inside a comment, CDATA section or tag"),
        ("<r><!-- <!ENTITY x 'y'> --></r>", .malformed, "found '<!ENTITY'"),
        ("<r><!ELEMENT r ANY></r>", .malformed, "only comments and CDATA sections may start with '<!'"),
        ("<r><?pi?></r>", .malformed, "a processing instruction without data ('<?pi?>' at byte 3)"),
        ("<?xml?><r/>", .malformed, "a processing instruction without data"),
        ("<r>\u{0}</r>", .invalidEncoding, "NUL byte at byte 3"),
        ("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><r/>", .invalidEncoding, "encoding \"ISO-8859-1\""),
        ("<?xml version=\"1.0\" encoding=UTF-8?><r/>", .invalidEncoding, "cannot be read"),
        ("<r a='1' b='2' c='3'/>", .limitExceeded, "more than xml.max_attributes (2)"),
        ("<r xmlns='u' xmlns:p='v' p:a='1'/>", .limitExceeded, "namespace declarations count"),
    ])
    func preflightRefuses(text: String, reason: QuarantineReason, fragment: String) throws {
        let failure = try #require(XMLPreflight.check(Array(text.utf8), maxAttributes: 2))
        #expect(failure.reason == reason)
        #expect(failure.message.contains(fragment), "\(failure.message)")
    }

    @Test(arguments: [
        [0xFF, 0xFE, 0x3C, 0x00, 0x72, 0x00, 0x2F, 0x00, 0x3E, 0x00],  // UTF-16LE with BOM: <r/>
        [0x3C, 0x00, 0x21, 0x00, 0x44, 0x00],                          // UTF-16LE without BOM: <!D
        [0x4C, 0x6F, 0xA7, 0x94],                                      // EBCDIC <?xm
        [0x3C, 0x72, 0x3E, 0xC0, 0xAF, 0x3C, 0x2F, 0x72, 0x3E],        // overlong '/'
        [0x3C, 0x72, 0x3E, 0xED, 0xA0, 0x80, 0x3C, 0x2F, 0x72, 0x3E],  // a UTF-16 surrogate
        [0x3C, 0x72, 0x3E, 0xE2, 0x82],                                // truncated sequence
    ] as [[UInt8]])
    func preflightRefusesEverythingButUTF8(bytes: [UInt8]) throws {
        let failure = try #require(XMLPreflight.check(bytes, maxAttributes: 64))
        #expect(failure.reason == .invalidEncoding)
    }

    @Test func commentBodiesAreNotTags() {
        // `<!-->` opens a comment (its `--` is the opener's, not a close): the tag inside is text.
        #expect(XMLPreflight.check(Array("<r><!--><x a='1' b='2' c='3'/>--></r>".utf8), maxAttributes: 2) == nil)
        #expect(XMLPreflight.check(Array("<r><!----><x a='1' b='2' c='3'/></r>".utf8), maxAttributes: 2) != nil)
    }

    // MARK: decoding semantics

    @Test func repeatedElementsYieldTheFirstInDocumentOrder() throws {
        let result = try Self.decode("<r><v>1</v><v>2</v><w><v>3</v></w></r>", metrics: [("pressure", "v")])
        #expect(result.readings.map(\.value) == [1])
    }

    @Test func predicatesMatchAnyElementOfTheirPath() throws {
        let xml = "<r><s><k>a</k><k>b</k><v>1</v></s><s><k>c</k><v>2</v></s></r>"
        let result = try Self.decode(xml, metrics: [("pressure", "s[k='b']/v"), ("flow", "s[k = \"c\"]/v")])
        #expect(result.readings.map(\.value) == [1, 2])
    }

    @Test func absolutePathsReachTheDocumentFromEveryRecord() throws {
        let xml = "<r site='x'><v>1</v><v>2</v></r>"
        let result = try Self.decode(xml, metrics: [("pressure", ".")], each: "/r/v", device: "{payload./r/@site}")
        #expect(result.readings.map(\.device) == ["x", "x"])
        #expect(result.readings.map(\.value) == [1, 2])
    }

    @Test func namespacedAttributesMatchByURIWhateverTheDocumentsPrefix() throws {
        let xml = "<r xmlns:q='urn:vendor' xmlns:z='urn:other'><v q:scale='2' z:scale='9'>1</v></r>"
        let result = try Self.decode(
            xml, metrics: [("pressure", "v"), ("flow", "v/@p:scale")], namespaces: ["p": "urn:vendor"])
        #expect(result.quarantined.isEmpty)
        #expect(result.readings.map(\.value) == [1, 2])
    }

    @Test func prefixedStepsAreExactWhereTwoNamespacesShareALocalName() throws {
        let xml = "<r xmlns:a='urn:a' xmlns:b='urn:b'><a:v>1</a:v><b:v>2</b:v></r>"
        let result = try Self.decode(xml, metrics: [("pressure", "y:v")], namespaces: ["y": "urn:b"])
        #expect(result.readings.map(\.value) == [2])
    }

    @Test(arguments: [
        ("<r><v><x>1</x></v></r>", "v", "wrong_type: metric 'pressure' at 'v' is an object or list"),
        ("<r><v/></r>", "v", "wrong_type: metric 'pressure' at 'v' is \"\""),
        ("<r><v>12 kPa</v></r>", "v", "wrong_type: metric 'pressure' at 'v' is \"12 kPa\""),
        ("<r><v>1</v></r>", "../v", "missing_field: metric 'pressure' (path '../v') absent"),
        ("<r><v>1</v></r>", "v/@unit", "missing_field"),
    ])
    func valuesThatAreNotNumbers(xml: String, path: String, expected: String) throws {
        let result = try Self.decode(xml, metrics: [("pressure", path)])
        #expect(result.readings.isEmpty)
        #expect(result.quarantined.map { "\($0.reason.rawValue): \($0.message)" }.first?.hasPrefix(expected) == true,
                "\(result.quarantined.map(\.message))")
    }

    @Test func textIsTrimmedAndCDATAIsText() throws {
        let result = try Self.decode("<r><v>\n  <![CDATA[ 4.5 ]]>\n</v><w> 2&#x2E;5 </w></r>", metrics: [("pressure", "v"), ("flow", "w")])
        #expect(result.readings.map(\.value) == [4.5, 2.5])
    }

    @Test(arguments: [
        ("", QuarantineReason.malformed, "holds no XML element"),
        ("  \n", .malformed, "holds no XML element"),
        ("<r><v>1</v></r><r/>", .malformed, "not well-formed XML at line 1"),
        ("<r><v>&nbsp;1</v></r>", .malformed, "undeclared entity"),
        ("<p:r><v>1</v></p:r>", .malformed, "no xmlns declaration binds"),
        ("<r><v>1</v>", .malformed, "ends too early"),
    ])
    func notWellFormed(xml: String, reason: QuarantineReason, fragment: String) throws {
        let result = try Self.decode(xml, metrics: [("pressure", "v")])
        #expect(result.readings.isEmpty)
        #expect(result.quarantined.count == 1)
        #expect(result.quarantined.first?.reason == reason)
        #expect(result.quarantined.first?.message.contains(fragment) == true, "\(result.quarantined.map(\.message))")
    }

    @Test func libxml2WarningsDoNotQuarantineAWellFormedDocument() throws {
        // A relative namespace URI and version 1.1 are warnings in libxml2, not errors.
        let result = try Self.decode("<?xml version=\"1.1\"?><r xmlns=\"readings\"><v>1</v></r>", metrics: [("pressure", "v")])
        #expect(result.quarantined.isEmpty)
        #expect(result.readings.map(\.value) == [1])
    }

    @Test func limitsAreTheRoutesAndStopTheParse() throws {
        let options = [OptionEntry(key: "max_depth", value: .scalar("3")), OptionEntry(key: "max_elements", value: .scalar("4"))]
        let deep = try Self.decode("<r><a><b><v>1</v></b></a></r>", metrics: [("pressure", "v")], options: options)
        #expect(deep.quarantined.map(\.reason) == [.limitExceeded])
        #expect(deep.quarantined.first?.message.contains("xml.max_depth (3)") == true)
        let wide = try Self.decode("<r><v>1</v><v>2</v><v>3</v><v>4</v></r>", metrics: [("pressure", "v")], options: options)
        #expect(wide.quarantined.first?.message.contains("xml.max_elements (4)") == true)
        let fits = try Self.decode("<r><v>1</v><v>2</v><v>3</v></r>", metrics: [("pressure", "v")], options: options)
        #expect(fits.readings.map(\.value) == [1])
    }

    @Test func everyOptionProblemIsReportedAtOnceWithItsKeyPath() throws {
        let route = Self.route(metrics: [("pressure", "q:v"), ("flow", "w[")], options: [
            OptionEntry(key: "each", value: .scalar("r/v")),
            OptionEntry(key: "max_depth", value: .scalar("0")),
            OptionEntry(key: "namespaces", value: .map([
                OptionEntry(key: "xmlns", value: .scalar("urn:x")), OptionEntry(key: "p", value: .scalar("")),
            ])),
            OptionEntry(key: "max_elements", value: .list([])),
        ])
        guard case .failure(let failure) = XMLAdapter.make(route: route) else {
            Issue.record("the route was accepted")
            return
        }
        #expect(Set(failure.errors.map(\.keyPath)) == [
            "xml.each", "xml.max_depth", "xml.namespaces.xmlns", "xml.namespaces.p", "xml.max_elements",
            "metrics[0].path", "metrics[1].path",
        ])
    }

    @Test func decodesConcurrentlyWithOneAdapter() async throws {
        let decoder = try MessageDecoder(
            routes: [Self.route(metrics: [("pressure", "v")], each: "/r/s")], limits: IngestSettings())
        let xml = "<r>" + (0..<50).map { "<s><v>\($0)</v></s>" }.joined() + "</r>"
        let sums = await withTaskGroup(of: Double.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    var sum = 0.0
                    for _ in 0..<50 { sum += decoder.decode(Self.message(xml)).readings.reduce(0) { $0 + $1.value } }
                    return sum
                }
            }
            return await group.reduce(into: [Double]()) { $0.append($1) }
        }
        #expect(sums == Array(repeating: 50 * 1225, count: 8))
    }

    // MARK: helpers

    static func route(
        metrics: [(String, String)], each: String? = nil, device: String = "{topic.2}",
        namespaces: [String: String] = [:], options: [OptionEntry] = []
    ) -> RouteConfiguration {
        var entries = options
        if let each { entries.append(OptionEntry(key: "each", value: .scalar(each))) }
        if !namespaces.isEmpty {
            entries.append(OptionEntry(key: "namespaces", value: .map(
                namespaces.sorted { $0.key < $1.key }.map { OptionEntry(key: $0.key, value: .scalar($0.value)) })))
        }
        let units = ["pressure": "kPa", "flow": "m3/h"]
        return RouteConfiguration(
            id: "xml-test", topic: "plant/#", format: "xml", utility: .literal("water"), site: .literal("s1"),
            device: try! FieldTemplate.parse(device).get(),
            metrics: metrics.map { MetricMapping(name: $0.0, path: $0.1, unit: units[$0.0]) },
            formatOptions: entries.isEmpty ? [:] : ["xml": .map(entries)])
    }

    static func message(_ xml: String) -> InboundMessage {
        InboundMessage(topic: "plant/s1/dev-9/data", payload: Array(xml.utf8), qos: 1, retain: false, receivedAt: 1_795_766_400_000)
    }

    static func decode(
        _ xml: String, metrics: [(String, String)], each: String? = nil, device: String = "{topic.2}",
        namespaces: [String: String] = [:], options: [OptionEntry] = []
    ) throws -> MessageDecoder.Result {
        let route = route(metrics: metrics, each: each, device: device, namespaces: namespaces, options: options)
        return try MessageDecoder(routes: [route], limits: IngestSettings()).decode(message(xml))
    }
}
