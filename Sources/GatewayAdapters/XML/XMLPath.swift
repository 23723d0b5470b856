/// A path into an XML document, compiled once at start-up with the route's namespace prefixes
/// resolved to URIs, so that matching a message costs string comparisons and nothing else.
///
/// Syntax (a small, predictable subset of XPath's abbreviated location paths):
/// - `value`, `ReadingType/@ref`, `@mRID`: relative to the record element; `.` is the record element
///   itself and `..` its parent (`../@mRID`);
/// - `/m:MeterReadings/m:MeterReading`: absolute, from the document (the first step names the root);
/// - `m:Readings[m:ReadingType/@ref='0.0.0.1.1.1.12.0.0.0.0.0.0.0.0.3.72.0']`: a step keeps only the
///   elements for which some match of the relative path inside the brackets has exactly that value.
///
/// A prefixed name matches by namespace URI and local name — the document may use any prefix, or a
/// default namespace, for that URI. An unprefixed element name matches by local name in any
/// namespace (operators write `MeterReading` for a document with a default namespace and expect it
/// to match); prefixes make a step precise when two namespaces share a local name. An unprefixed
/// attribute name matches only an attribute without a prefix, which is in no namespace (the XML
/// namespaces rule: default namespaces do not apply to attributes).
struct XMLPath: Sendable, Hashable, CustomStringConvertible {
    /// Which namespace a name test accepts.
    enum NamespaceTest: Sendable, Hashable {
        /// An unprefixed element step: any namespace, or none.
        case any
        /// An unprefixed attribute step: attributes without a prefix.
        case none
        /// A prefixed step: exactly this namespace URI.
        case uri(String)
    }

    /// A local name with its namespace test.
    struct Name: Sendable, Hashable {
        let local: String
        let namespace: NamespaceTest
    }

    /// `[path='literal']` on an element step.
    struct Predicate: Sendable, Hashable {
        let path: XMLPath
        let literal: String
    }

    /// One step of a path; `..` and `.` exist so that a record can reach its meter or entry.
    enum Step: Sendable, Hashable {
        case element(Name, Predicate?)
        /// Only ever the last step.
        case attribute(Name)
        case parent
        case current
    }

    let steps: [Step]
    /// Starts at the document rather than at the record element.
    let absolute: Bool
    let source: String

    /// Whether any attribute step names a namespace: only then does a parse track the document's
    /// prefix declarations (which an element's attributes are reported with).
    var needsPrefixTracking: Bool {
        steps.contains { step in
            switch step {
            case .attribute(let name): if case .uri = name.namespace { return true }
            case .element(_, let predicate?): return predicate.path.needsPrefixTracking
            default: break
            }
            return false
        }
    }

    var description: String { source }
}
