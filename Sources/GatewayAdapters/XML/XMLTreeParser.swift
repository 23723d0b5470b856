import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Parses one message with `XMLParser` (libxml2's SAX interface) into an `XMLElementTree`,
/// enforcing the route's depth and element-count limits as the events arrive and stopping the
/// parser at the first element beyond either, so a hostile message costs no more than the limits.
///
/// Only ever called on payloads that passed `XMLPreflight` (no DOCTYPE, UTF-8): libxml2 then has
/// no entity to expand and nothing to fetch; resolving external entities is switched off as well.
enum XMLTreeParser {
    /// The route's bounds on a message, checked as the parser reports each element.
    struct Limits: Sendable {
        var maxDepth: Int
        var maxElements: Int
        /// Record prefix declarations, for namespaced attribute steps.
        var tracksPrefixes: Bool
    }

    static func parse(_ bytes: [UInt8], limits: Limits) -> Result<XMLElementTree, DecodeFailure> {
        let parser = XMLParser(data: Data(bytes))
        parser.shouldProcessNamespaces = true
        parser.shouldReportNamespacePrefixes = limits.tracksPrefixes
        parser.shouldResolveExternalEntities = false
        let builder = XMLTreeBuilder(limits: limits)
        parser.delegate = builder
        _ = parser.parse()
        parser.delegate = nil
        if let failure = builder.failure { return .failure(failure) }
        if builder.tree.isEmpty { return .failure(DecodeFailure(.malformed, "the payload holds no XML element")) }
        return .success(builder.tree)
    }
}

/// The SAX delegate behind `XMLTreeParser`: one per parse, never shared.
private final class XMLTreeBuilder: NSObject, XMLParserDelegate {
    let limits: XMLTreeParser.Limits
    var tree = XMLElementTree()
    var failure: DecodeFailure?
    private var open: [Int32] = []
    private var pendingDeclarations: [(prefix: String, uri: String)] = []

    init(limits: XMLTreeParser.Limits) {
        self.limits = limits
        open.reserveCapacity(8)
    }

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName qName: String?,
        attributes attributeDict: [String: String] = [:]
    ) {
        guard failure == nil else { return }
        if open.count + 1 > limits.maxDepth {
            return stop(parser, "elements nest deeper than xml.max_depth (\(limits.maxDepth)) at line \(parser.lineNumber)")
        }
        if tree.elements.count + 1 > limits.maxElements {
            return stop(parser, "the document has more than xml.max_elements (\(limits.maxElements)) elements")
        }
        let index = tree.append(
            local: elementName, namespace: namespaceURI ?? "", parent: open.last ?? XMLElementTree.document,
            attributes: attributeDict)
        if !pendingDeclarations.isEmpty {
            tree.declare(pendingDeclarations, on: index)
            pendingDeclarations.removeAll(keepingCapacity: true)
        }
        open.append(index)
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
        guard failure == nil else { return }
        open.removeLast()
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        guard failure == nil, let current = open.last else { return }
        tree.appendText(string, to: current)
    }

    func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
        guard failure == nil, let current = open.last else { return }
        tree.appendText(String(decoding: CDATABlock, as: UTF8.self), to: current)
    }

    func parser(_ parser: XMLParser, didStartMappingPrefix prefix: String, toURI namespaceURI: String) {
        pendingDeclarations.append((prefix, namespaceURI))
    }

    func parser(_ parser: XMLParser, parseErrorOccurred parseError: any Error) {
        let code = (parseError as NSError).code
        guard failure == nil, !XMLParseErrorText.isWarning(code) else { return }
        failure = DecodeFailure(.malformed,
            "not well-formed XML at line \(parser.lineNumber), column \(parser.columnNumber): \(XMLParseErrorText.describe(code))")
        parser.abortParsing()
    }

    private func stop(_ parser: XMLParser, _ message: String) {
        failure = DecodeFailure(.limitExceeded, message)
        parser.abortParsing()
    }
}
