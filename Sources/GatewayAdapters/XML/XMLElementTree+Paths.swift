/// Evaluating compiled paths against a parsed message: a depth-first walk that follows the steps
/// in document order, so "the first match" is the first in document order, and a record's lookup
/// stops at the first element that satisfies the whole path.
extension XMLElementTree {
    /// What a path reached.
    enum Hit {
        case element(Int32)
        case attribute(String)
    }

    /// The first match of `path` from `record` (or from the document for an absolute path).
    func first(_ path: XMLPath, from record: Int32) -> Hit? {
        walk(path.steps[...], at: path.absolute ? Self.document : record) { _ in true }
    }

    /// The value of the first match, as a payload field.
    func value(_ path: XMLPath, from record: Int32) -> FieldValue? {
        switch first(path, from: record) {
        case .element(let node)?: value(of: node)
        case .attribute(let text)?: .string(text)
        case nil: nil
        }
    }

    /// Every element an `xml.each` path selects, in document order.
    func all(_ path: XMLPath) -> [Int32] {
        var found: [Int32] = []
        collect(path.steps[...], at: Self.document, into: &found)
        return found
    }

    private func collect(_ steps: ArraySlice<XMLPath.Step>, at node: Int32, into found: inout [Int32]) {
        guard let step = steps.first else {
            found.append(node)
            return
        }
        // `xml.each` holds element steps only (checked when it is parsed).
        guard case .element(let name, let predicate) = step else { return }
        var child = firstChild(of: node)
        while child != Self.none {
            if matches(child, name), predicate.map({ satisfies(child, $0) }) ?? true {
                collect(steps.dropFirst(), at: child, into: &found)
            }
            child = nextSibling(of: child)
        }
    }

    /// The first hit of `steps` from `node` that `accept` takes, depth first in document order.
    private func walk(_ steps: ArraySlice<XMLPath.Step>, at node: Int32, accept: (Hit) -> Bool) -> Hit? {
        guard let step = steps.first else {
            guard node >= 0 else { return nil }
            return accept(.element(node)) ? .element(node) : nil
        }
        let rest = steps.dropFirst()
        switch step {
        case .current:
            return walk(rest, at: node, accept: accept)
        case .parent:
            let parent = parent(of: node)
            return parent == Self.none ? nil : walk(rest, at: parent, accept: accept)
        case .attribute(let name):
            guard let text = attribute(name, of: node) else { return nil }
            return accept(.attribute(text)) ? .attribute(text) : nil
        case .element(let name, let predicate):
            var child = firstChild(of: node)
            while child != Self.none {
                if matches(child, name), predicate.map({ satisfies(child, $0) }) ?? true,
                   let hit = walk(rest, at: child, accept: accept) {
                    return hit
                }
                child = nextSibling(of: child)
            }
            return nil
        }
    }

    /// Whether some match of the predicate's path inside `node` has exactly the predicate's value.
    private func satisfies(_ node: Int32, _ predicate: XMLPath.Predicate) -> Bool {
        walk(predicate.path.steps[...], at: node) { hit in
            switch hit {
            case .element(let element): elements[Int(element)].text.trimmingXMLSpace() == predicate.literal
            case .attribute(let text): text == predicate.literal
            }
        } != nil
    }
}
