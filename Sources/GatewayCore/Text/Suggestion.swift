/// "Did you mean …?" for misspelled configuration keys, enumeration values, units and API
/// parameters.
public enum Suggestion {
    /// The candidate closest to `word` when it is close enough to be a likely typo: the same word
    /// in another case, a small edit distance, or a candidate that `word` abbreviates.
    public static func closest(to word: String, among candidates: [String]) -> String? {
        let typed = Array(word.lowercased())
        guard !typed.isEmpty else { return nil }
        // Short words are only corrected for case: `mw` is not a typo of `m3`.
        let tolerance = typed.count <= 2 ? 0 : (typed.count <= 3 ? 1 : (typed.count <= 6 ? 2 : 3))
        var best: (candidate: String, distance: Int)?
        for candidate in candidates where candidate != word {
            let lowered = Array(candidate.lowercased())
            var distance = editDistance(typed, lowered)
            if distance > tolerance, typed.count >= 3, lowered.starts(with: typed) { distance = tolerance }
            guard distance <= tolerance, distance < typed.count else { continue }
            if best == nil || distance < best!.distance { best = (candidate, distance) }
        }
        return best?.candidate
    }

    /// Levenshtein distance.
    public static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}

