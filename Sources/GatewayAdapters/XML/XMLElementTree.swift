/// One parsed XML message as a flat array of elements linked by index — what the SAX builder
/// leaves behind and paths are evaluated against.
///
/// Why not `XMLDocument` (DOM): FoundationXML's DOM wraps every node in a class over libxml2's tree,
/// which costs far more than a 120-byte message's decode budget (~10 µs for 100k msg/s on a core).
/// A flat array of small structs costs one allocation per array and nothing per link, and holds
/// only what paths can ask for: names, own text, attributes and the namespace declarations of
/// elements (the latter only when a route has namespaced attribute steps).
struct XMLElementTree {
    /// The index that stands for the document, the parent of the root element.
    static let document: Int32 = -1
    /// "No such element" in the links.
    static let none: Int32 = -2

    /// One element: links by index rather than references, so a message's tree is one array.
    struct Element {
        let local: String
        /// The namespace URI, `""` for none.
        let namespace: String
        let parent: Int32
        var firstChild = XMLElementTree.none
        var lastChild = XMLElementTree.none
        var nextSibling = XMLElementTree.none
        /// The element's own character data (CDATA included), not its children's, untrimmed.
        var text = ""
        /// Keyed by qualified name (`ref`, `xsi:type`), as the parser reports them.
        let attributes: [String: String]
    }

    private(set) var elements: [Element] = []
    /// Prefix declarations (`xmlns:p="…"`) by the element that made them; tracked only on demand.
    private(set) var declarations: [Int32: [(prefix: String, uri: String)]] = [:]

    init() {
        elements.reserveCapacity(16)
    }

    var isEmpty: Bool { elements.isEmpty }

    /// Appends an element as the last child of `parent` and returns its index.
    mutating func append(local: String, namespace: String, parent: Int32, attributes: [String: String]) -> Int32 {
        let index = Int32(elements.count)
        elements.append(Element(local: local, namespace: namespace, parent: parent, attributes: attributes))
        if parent >= 0 {
            let previous = elements[Int(parent)].lastChild
            if previous == Self.none {
                elements[Int(parent)].firstChild = index
            } else {
                elements[Int(previous)].nextSibling = index
            }
            elements[Int(parent)].lastChild = index
        }
        return index
    }

    mutating func appendText(_ text: String, to element: Int32) {
        elements[Int(element)].text.append(text)
    }

    mutating func declare(_ declared: [(prefix: String, uri: String)], on element: Int32) {
        declarations[element] = declared
    }

    // MARK: navigation

    func firstChild(of node: Int32) -> Int32 {
        if node == Self.document { return elements.isEmpty ? Self.none : 0 }
        return elements[Int(node)].firstChild
    }

    func nextSibling(of node: Int32) -> Int32 {
        node == Self.document ? Self.none : elements[Int(node)].nextSibling
    }

    /// The parent, the document for the root element, `none` above the document.
    func parent(of node: Int32) -> Int32 {
        node == Self.document ? Self.none : elements[Int(node)].parent
    }

    func matches(_ node: Int32, _ name: XMLPath.Name) -> Bool {
        // Fields read in place: copying the element would retain all its strings.
        guard elements[Int(node)].local == name.local else { return false }
        switch name.namespace {
        case .any: return true
        case .none: return elements[Int(node)].namespace.isEmpty
        case .uri(let uri): return elements[Int(node)].namespace == uri
        }
    }

    /// The value of an attribute of `node`, resolving the document's prefixes for a namespaced name.
    func attribute(_ name: XMLPath.Name, of node: Int32) -> String? {
        guard node >= 0 else { return nil }
        let attributes = elements[Int(node)].attributes
        guard case .uri(let uri) = name.namespace else { return attributes[name.local] }
        for (qualified, value) in attributes {
            guard let colon = qualified.firstIndex(of: ":"), qualified[qualified.index(after: colon)...] == name.local,
                  namespaceURI(ofPrefix: qualified[..<colon], at: node) == uri else { continue }
            return value
        }
        return nil
    }

    /// The URI a prefix is bound to at `node`: the nearest declaration on it or an ancestor.
    private func namespaceURI(ofPrefix prefix: Substring, at node: Int32) -> String? {
        if prefix == "xml" { return XMLPath.xmlNamespace }
        var current = node
        while current >= 0 {
            if let declared = declarations[current], let match = declared.last(where: { $0.prefix == prefix }) {
                return match.uri
            }
            current = elements[Int(current)].parent
        }
        return nil
    }

    /// What a path finds at `node`: an element's trimmed own text, or its children as a structure.
    func value(of node: Int32) -> FieldValue {
        guard node >= 0 else { return .structure }
        let text = elements[Int(node)].text.trimmingXMLSpace()
        if text.isEmpty && elements[Int(node)].firstChild != Self.none { return .structure }
        return .string(text)
    }
}
