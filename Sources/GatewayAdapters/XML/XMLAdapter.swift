import GatewayCore

/// Reads XML payloads (`format: xml`): the IEC 61968-9 `MeterReadings` shape, Green Button (ESPI)
/// `IntervalBlock`s, and vendors' own documents. By default the document element is the one record;
/// with `xml.each` every element the path selects is a record, with paths relative to it.
///
/// Options (`xml:` on the route):
/// - `each` (none): an absolute path selecting the records, e.g. `/m:MeterReadings/m:MeterReading`.
/// - `namespaces` (none): prefix → namespace URI, for the prefixes the route's paths use.
/// - `max_depth` (32), `max_elements` (10000), `max_attributes` (64, per element): beyond any of
///   them the message is quarantined (`limit_exceeded`) and parsing stops there.
///
/// XML numbers are text, so text is accepted where a number is expected (RecordMapper's
/// `numbersAsStrings`); text that is not a number is `wrong_type`. Every payload passes
/// `XMLPreflight` (no DOCTYPE or entity declarations, UTF-8 only) before libxml2 sees it.
struct XMLAdapter: PayloadAdapter {
    static let optionKeys = ["each", "namespaces", "max_depth", "max_elements", "max_attributes"]

    let mapper: RecordMapper<XMLPath>
    let each: XMLPath?
    let limits: XMLTreeParser.Limits
    let maxAttributes: Int

    /// Validates a route's XML options once and builds its adapter, or lists every problem.
    static func make(route: RouteConfiguration) -> Result<any PayloadAdapter, RouteConfigurationErrors> {
        let reader = OptionReader(route: route, keys: optionKeys)
        let namespaces = readNamespaces(reader)
        let maxDepth = reader.int("max_depth", default: 32, range: 1...256)
        let maxElements = reader.int("max_elements", default: 10_000, range: 1...1_000_000)
        let maxAttributes = reader.int("max_attributes", default: 64, range: 1...1_000)
        var each: XMLPath?
        if let text = reader.string("each") {
            switch XMLPath.parse(text, namespaces: namespaces, usage: .each) {
            case .success(let path): each = path
            case .failure(let error): reader.fail("each", error.message)
            }
        }
        var behaviour = RecordMapper<XMLPath>.Behaviour()
        behaviour.numbersAsStrings = true
        var tracksPrefixes = each?.needsPrefixTracking ?? false
        let mapper = RecordMapper.make(route: route, behaviour: behaviour, reader: reader) { text in
            let parsed = XMLPath.parse(text, namespaces: namespaces)
            if case .success(let path) = parsed, path.needsPrefixTracking { tracksPrefixes = true }
            return parsed
        }
        guard let mapper, reader.errors.isEmpty else { return .failure(reader.failure ?? RouteConfigurationErrors([])) }
        let limits = XMLTreeParser.Limits(maxDepth: maxDepth, maxElements: maxElements, tracksPrefixes: tracksPrefixes)
        return .success(XMLAdapter(mapper: mapper, each: each, limits: limits, maxAttributes: maxAttributes))
    }

    /// `xml.namespaces`: prefixes as XML allows them (not `xmlns`; `xml` only for its own URI).
    private static func readNamespaces(_ reader: OptionReader) -> [String: String] {
        guard let declared = reader.stringMap("namespaces") else { return [:] }
        var namespaces: [String: String] = [:]
        for (prefix, uri) in declared.sorted(by: { $0.key < $1.key }) {
            if prefix.isEmpty || prefix.contains(":") || prefix.contains(where: \.isWhitespace) {
                reader.fail("namespaces.\(prefix)", "'\(prefix)' is not a namespace prefix; expected a name such as m")
            } else if prefix == "xmlns" || (prefix == "xml" && uri != XMLPath.xmlNamespace) {
                reader.fail("namespaces.\(prefix)", "the prefix '\(prefix)' is reserved by XML")
            } else if uri.isEmpty {
                reader.fail("namespaces.\(prefix)", "the namespace URI is empty; expected one such as http://iec.ch/TC57/2011/MeterReadings#")
            } else {
                namespaces[prefix] = uri
            }
        }
        return namespaces
    }

    func decode(_ message: InboundMessage) -> DecodeOutcome {
        if let failure = XMLPreflight.check(message.payload, maxAttributes: maxAttributes) {
            return DecodeOutcome(failures: [failure])
        }
        let tree: XMLElementTree
        switch XMLTreeParser.parse(message.payload, limits: limits) {
        case .success(let parsed): tree = parsed
        case .failure(let failure): return DecodeOutcome(failures: [failure])
        }
        let levels = TopicFilter.levels(of: message.topic)
        var outcome = DecodeOutcome()
        guard let each else {
            mapper.map(XMLRecord(tree: tree, element: 0), message: message, topicLevels: levels, into: &outcome)
            return outcome
        }
        let elements = tree.all(each)
        if elements.isEmpty {
            return .failure(.noReadings, "xml.each '\(each)' selects no element")
        }
        for (index, element) in elements.enumerated() {
            mapper.map(XMLRecord(tree: tree, element: element), message: message, topicLevels: levels,
                       label: "element \(index)", into: &outcome)
        }
        return outcome
    }
}
