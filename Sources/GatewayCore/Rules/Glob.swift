/// A shell-style pattern for names: `*` matches any run of characters (also none), `?` one
/// character, everything else itself. Used for rule matches and the device registry.
public struct Glob: Sendable, Hashable, CustomStringConvertible {
    public let pattern: String
    private let scalars: [Unicode.Scalar]

    public init(_ pattern: String) {
        self.pattern = pattern
        scalars = Array(pattern.unicodeScalars)
    }

    /// Matches everything.
    public static let any = Glob("*")

    public var description: String { pattern }

    public static func == (lhs: Glob, rhs: Glob) -> Bool { lhs.pattern == rhs.pattern }
    public func hash(into hasher: inout Hasher) { hasher.combine(pattern) }

    /// Iterative matching with one backtrack point: linear in practice, no recursion.
    public func matches(_ text: String) -> Bool {
        if pattern == "*" { return true }
        let text = Array(text.unicodeScalars)
        var p = 0, t = 0
        var star = -1, mark = 0
        while t < text.count {
            if p < scalars.count, scalars[p] == "?" || (scalars[p] != "*" && scalars[p] == text[t]) {
                p += 1
                t += 1
            } else if p < scalars.count, scalars[p] == "*" {
                star = p
                mark = t
                p += 1
            } else if star >= 0 {
                p = star + 1
                mark += 1
                t = mark
            } else {
                return false
            }
        }
        while p < scalars.count, scalars[p] == "*" { p += 1 }
        return p == scalars.count
    }
}
