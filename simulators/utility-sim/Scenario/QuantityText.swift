import Foundation
import GatewayCore

/// Reads an amount written with or without its unit (`120kPa`, `1.5 NTU`, `0.2bar`, `190`) as a
/// value in the metric's canonical unit, through the gateway's own unit catalogue, so a scenario
/// may use any unit a route may.
enum QuantityText {
    /// - Parameter difference: the amount is a change (a drop, a depth), so a unit's offset
    ///   (°F → °C) does not apply, only its scale.
    static func value(_ text: String, metric: String, difference: Bool = false) -> Result<Double, QuantityProblem> {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        // The longest leading part that is a number; the rest is the unit.
        var split = trimmed.endIndex
        while split > trimmed.startIndex, Double(trimmed[..<split]) == nil {
            split = trimmed.index(before: split)
        }
        guard split > trimmed.startIndex, let number = Double(trimmed[..<split]), number.isFinite else {
            return .failure(QuantityProblem("expected a number, optionally with a unit (120kPa); got '\(text)'"))
        }
        let unit = trimmed[split...].trimmingCharacters(in: .whitespaces)
        if unit.isEmpty { return .success(number) }
        guard let conversion = UnitCatalog.conversion(from: unit) else {
            return .failure(QuantityProblem("unknown unit '\(unit)' in '\(text)'"))
        }
        if let quantity = MetricCatalog.quantity(of: metric), quantity != conversion.quantity {
            return .failure(QuantityProblem(
                "'\(unit)' is not a unit of \(metric) (\(quantity.rawValue), canonical unit \(quantity.canonicalUnit))"))
        }
        return .success(difference ? number * conversion.scale : conversion.toCanonical(number))
    }
}

/// Why an amount could not be read.
struct QuantityProblem: Error {
    let message: String
    init(_ message: String) { self.message = message }
}

extension ScenarioNode {
    /// An amount of `metric` in its canonical unit (see ``QuantityText``).
    func quantity(of metric: String, difference: Bool = false) -> Double? {
        guard let text = text("an amount of \(metric), such as 120kPa or 120") else { return nil }
        switch QuantityText.value(text, metric: metric, difference: difference) {
        case .success(let value): return value
        case .failure(let problem):
            report(problem.message)
            return nil
        }
    }
}
