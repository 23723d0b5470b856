import GatewayCore

/// A SenML record with the base values applied (RFC 8428 §4.6): its name parts, unit, value and
/// event time as the gateway reads them.
struct SenMLResolvedRecord: Sendable, Hashable {
    /// The record's position in the pack, from 0, for messages.
    var index: Int
    /// The base name in effect (`bn`), `nil` when there is none or it is empty.
    var baseName: String?
    /// `baseName` without one trailing `:` or `/`, worked out once per base name by the resolver.
    var baseDevice: String?
    /// The record's own name (`n`).
    var name: String?
    /// `u`, or the base unit `bu` in effect.
    var unit: String?
    /// `v` plus the base value `bv` (a number), or `vs`/`vd` (text), or `vb` (boolean); `nil` when the
    /// record has none (a sum alone is not read: its unit is the value's unit times seconds).
    var value: FieldValue?
    /// Whether the record carries a sum (`s`); only used to explain a missing value.
    var hasSum: Bool
    /// The event time in UTC epoch milliseconds; `nil` when the resolved time is 0 ("roughly now",
    /// RFC 8428 §4.5.3), which the mapper turns into the time of receipt.
    var timestamp: EpochMillis?
    /// Whether the time was relative (below 2^28 s) and so counted from the time of receipt.
    var isRelative: Bool

    /// The resolved name, `bn` + `n`.
    var fullName: String { (baseName ?? "") + (name ?? "") }

    /// Whether a metric path selects this record: the path equals the record's `n`, its full name
    /// `bn + n`, or the part of the full name after its last `:` (so that `temperature` selects both
    /// `{"bn":"urn:dev:ow:10e2073a01080063:","n":"temperature"}` and the resolved form
    /// `{"n":"urn:dev:ow:10e2073a01080063:temperature"}`).
    func matches(_ path: String) -> Bool { matchMask([path]) != 0 }

    /// One bit per path of `paths` (at most 64) that selects this record, by the rules of
    /// `matches(_:)`. The record's three name forms are worked out once, and compared without
    /// building `bn + n`; lengths are compared before any byte.
    func matchMask(_ paths: [String]) -> UInt64 {
        let own = (name ?? "").utf8
        let base = (baseName ?? "").utf8
        // The part of bn + n after its last ':', as a head from bn and a tail from n.
        var tailHead = base[base.endIndex...]
        var tailOwn = own[...]
        if let colon = own.lastIndex(of: UInt8(ascii: ":")) {
            tailOwn = own[own.index(after: colon)...]
        } else if let colon = base.lastIndex(of: UInt8(ascii: ":")) {
            tailHead = base[base.index(after: colon)...]
        } else {
            tailHead = base[...]
        }
        let ownCount = own.count
        let fullCount = base.count + ownCount
        let tailCount = tailHead.count + tailOwn.count
        var mask: UInt64 = 0
        for (slot, path) in paths.enumerated() {
            let wanted = path.utf8
            let count = wanted.count
            if (count == ownCount && wanted.elementsEqual(own))
                || (count == fullCount && Self.isConcatenation(wanted, base[...], own[...]))
                || (count == tailCount && Self.isConcatenation(wanted, tailHead, tailOwn)) {
                mask |= 1 << UInt64(slot)
            }
        }
        return mask
    }

    /// Whether `whole` is `head` followed by `tail` (the caller has compared the lengths).
    private static func isConcatenation(_ whole: String.UTF8View, _ head: Substring.UTF8View, _ tail: Substring.UTF8View) -> Bool {
        whole.prefix(head.count).elementsEqual(head) && whole.suffix(tail.count).elementsEqual(tail)
    }

    /// The device part of the name, for `{payload.bn}`: the base name without one trailing `:` or
    /// `/` (`urn:dev:ow:10e2073a01080063:` → `urn:dev:ow:10e2073a01080063`). A record without a base
    /// name — the resolved form — gives the part of its name before the last `:`, which is the same
    /// text for the same device. `nil` when neither exists.
    var device: String? {
        if let baseDevice { return baseDevice }
        guard let name, let colon = name.lastIndex(of: ":"), colon != name.startIndex else { return nil }
        return String(name[..<colon])
    }

    /// The base name without one trailing `:` or `/` (kept whole when that would leave nothing).
    static func device(ofBaseName baseName: String) -> String {
        let utf8 = baseName.utf8
        guard utf8.count > 1, let last = utf8.last, last == UInt8(ascii: ":") || last == UInt8(ascii: "/") else { return baseName }
        return String(decoding: utf8.dropLast(), as: UTF8.self)
    }

    /// "record 3 (urn:dev:ow:10e2073a01080063:current)", for failure messages.
    var label: String {
        let full = fullName
        if full.isEmpty { return "record \(index)" }
        let shown = full.count > 80 ? String(full.prefix(77)) + "…" : full
        return "record \(index) (\(shown))"
    }
}
