import GatewayCore
import GatewayQuery
import GatewayStore

/// An inline SVG sparkline of one series over the page's common time window, so that every line on
/// the page shares one time axis and a device that went quiet at 03:00 looks it.
///
/// - x: time across `window` (points outside it are left out).
/// - y: the series' own min…max (bucket means and the latest reading) with a little padding; a flat
///   series draws a flat line at mid-height.
/// - Gaps: buckets without readings are absent from ``SeriesTrend/points``; where two neighbours are
///   more than ``gapBuckets`` bucket widths apart the line breaks, so a gap shows as a gap rather
///   than as a straight line across it. The bucket width is not in the model, so it is taken as the
///   smallest step between neighbours. A point with no neighbour on either side is a small dot.
/// - A larger dot marks the latest reading; the `<title>` (a hover tooltip, and the accessible
///   name) gives min, max and latest.
///
/// The `viewBox` keeps the aspect ratio, so the page's CSS can size the sparkline to any width
/// (`width: 100%`); lines keep a constant stroke width at any scale.
enum Sparkline {
    static let width = 240.0
    static let height = 40.0
    static let padX = 3.0
    static let padY = 4.0
    /// Neighbours further apart than this many bucket widths break the line.
    static let gapBuckets: Int64 = 3

    static func svg(_ trend: SeriesTrend, window: ClosedRange<EpochMillis>) -> String {
        let points = trend.points
            .filter { window.contains($0.timestamp) && $0.value.isFinite }
            .sorted { $0.timestamp < $1.timestamp }
        let latest = trend.latest
        let values = points.map(\.value) + (latest.value.isFinite ? [latest.value] : [])
        let scale = Scale(window: window, low: values.min() ?? 0, high: values.max() ?? 0)

        var svg = "<svg class=\"spark\" viewBox=\"0 0 \(number(width)) \(number(height))\" role=\"img\""
        svg += " xmlns=\"http://www.w3.org/2000/svg\">"
        svg += "<title>\(HTML.escape(title(trend, window: window, values: values)))</title>"
        svg += "<rect class=\"spark-bg\" width=\"\(number(width))\" height=\"\(number(height))\" rx=\"3\""
        svg += " fill=\"currentColor\" fill-opacity=\"0.07\"/>"
        for segment in segments(points) {
            if segment.count == 1 {
                let (x, y) = scale.position(segment[0])
                svg += "<circle class=\"spark-pt\" cx=\"\(number(x))\" cy=\"\(number(y))\" r=\"1.3\""
                svg += " fill=\"currentColor\"/>"
            } else {
                let coordinates = segment.map { point in
                    let (x, y) = scale.position(point)
                    return "\(number(x)),\(number(y))"
                }
                svg += "<polyline class=\"spark-line\" points=\"\(coordinates.joined(separator: " "))\""
                svg += " fill=\"none\" stroke=\"currentColor\" stroke-width=\"1.5\" stroke-linejoin=\"round\""
                svg += " stroke-linecap=\"round\" vector-effect=\"non-scaling-stroke\"/>"
            }
        }
        if latest.value.isFinite {
            let (x, y) = scale.position(latest)
            svg += "<circle class=\"spark-last\" cx=\"\(number(x))\" cy=\"\(number(y))\" r=\"2.6\""
            svg += " fill=\"currentColor\"/>"
        }
        return svg + "</svg>"
    }

    /// The runs of `points` (oldest first) between gaps wider than ``gapBuckets`` bucket widths.
    static func segments(_ points: [TrendPoint]) -> [[TrendPoint]] {
        guard let first = points.first else { return [] }
        let limit = bucketWidth(points).map { $0 * gapBuckets } ?? .max
        var segments: [[TrendPoint]] = [[first]]
        for (previous, point) in zip(points, points.dropFirst()) {
            if point.timestamp - previous.timestamp > limit {
                segments.append([point])
            } else {
                segments[segments.count - 1].append(point)
            }
        }
        return segments
    }

    /// The smallest positive step between neighbours: the bucket width, unless every neighbour is
    /// separated by a gap. `nil` with fewer than two distinct timestamps.
    static func bucketWidth(_ points: [TrendPoint]) -> EpochMillis? {
        zip(points, points.dropFirst()).map { $1.timestamp - $0.timestamp }.filter { $0 > 0 }.min()
    }

    /// A coordinate to one decimal, without a trailing `.0`: `12.3`, `40`.
    static func number(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        if rounded == 0 { return "0" }
        if rounded == rounded.rounded(.towardZero), abs(rounded) < 1.0e15 { return String(Int64(rounded)) }
        return String(rounded)
    }

    private static func title(_ trend: SeriesTrend, window: ClosedRange<EpochMillis>, values: [Double]) -> String {
        let unit = HumanFormat.unit(trend.unit)
        func withUnit(_ value: Double) -> String {
            unit.isEmpty ? HumanFormat.value(value) : "\(HumanFormat.value(value)) \(unit)"
        }
        let hours = Double(window.upperBound - window.lowerBound) / 3_600_000
        let span = hours == hours.rounded() ? "\(Int(hours)) h" : HumanFormat.duration(seconds: hours * 3600)
        guard let low = values.min(), let high = values.max() else { return "\(trend.metric): no readings" }
        return "\(trend.metric), last \(span): min \(withUnit(low)) · max \(withUnit(high))"
            + " · latest \(withUnit(trend.latest.value)) at \(HumanFormat.utc(trend.latest.timestamp))"
    }

    /// Maps time and value into the `viewBox`.
    private struct Scale {
        let start: Double
        let span: Double
        let low: Double
        let high: Double

        init(window: ClosedRange<EpochMillis>, low: Double, high: Double) {
            start = Double(window.lowerBound)
            span = Double(max(1, window.upperBound - window.lowerBound))
            let range = high - low
            let flat = !(range > 1e-9 * max(1, abs(high), abs(low)))
            let middle = low + range / 2
            self.low = flat ? middle : low - range * 0.08
            self.high = flat ? middle : high + range * 0.08
        }

        func position(_ point: TrendPoint) -> (x: Double, y: Double) {
            let fraction = min(1, max(0, (Double(point.timestamp) - start) / span))
            let x = padX + fraction * (width - 2 * padX)
            guard high > low else { return (x, height / 2) }
            let y = padY + (high - point.value) / (high - low) * (height - 2 * padY)
            return (x, min(height - padY, max(padY, y)))
        }
    }
}
