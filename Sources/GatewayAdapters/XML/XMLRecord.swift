/// One XML record: an element selected by `xml.each`, or the document element. Relative paths
/// start at it; absolute paths start at the document.
struct XMLRecord: PayloadRecord {
    let tree: XMLElementTree
    let element: Int32

    func value(at path: XMLPath) -> FieldValue? {
        tree.value(path, from: element)
    }
}
