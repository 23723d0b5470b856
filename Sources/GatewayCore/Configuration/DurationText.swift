/// Durations as operators write them: `500ms`, `30s`, `5m`, `2h`, `1d`, `1w`.
public enum DurationText {
    /// The duration in seconds, or `nil` when the text is not a number followed by one of
    /// `ms`, `s`, `m`, `h`, `d`, `w`.
    public static func seconds(_ text: String) -> Double? {
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86_400), ("w", 604_800)]
        for (suffix, factor) in units where text.hasSuffix(suffix) {
            let number = text.dropLast(suffix.count)
            // "5ms" also ends in "s": only accept a suffix when what precedes it is a number.
            guard let value = Double(number), value.isFinite, value >= 0, !number.hasPrefix("+") else { continue }
            return value * factor
        }
        return nil
    }

    /// What the configuration error says was expected.
    public static let expectation = "a duration such as 500ms, 30s, 5m, 2h, 1d or 1w"
}

/// Sizes as operators write them: `512MiB`, `64KiB`, `2GiB`, `1000B`, `10MB`.
public enum ByteSizeText {
    /// The size in bytes, or `nil` when the text is not a whole number followed by a unit.
    public static func bytes(_ text: String) -> Int? {
        let units: [(String, Int)] = [
            ("KiB", 1 << 10), ("MiB", 1 << 20), ("GiB", 1 << 30), ("TiB", 1 << 40),
            ("KB", 1000), ("MB", 1_000_000), ("GB", 1_000_000_000), ("TB", 1_000_000_000_000), ("B", 1),
        ]
        for (suffix, factor) in units where text.hasSuffix(suffix) {
            let number = text.dropLast(suffix.count)
            guard !number.hasPrefix("+"), let value = Int(number), value >= 0 else { continue }
            let (product, overflow) = value.multipliedReportingOverflow(by: factor)
            return overflow ? nil : product
        }
        return nil
    }

    /// What the configuration error says was expected.
    public static let expectation = "a size such as 64KiB, 512MiB, 2GiB or 1000B"
}
