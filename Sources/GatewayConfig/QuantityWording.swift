import GatewayCore

/// How quantities are named in messages, with a few familiar units of each.
enum QuantityWording {
    static func name(_ quantity: UnitCatalog.Quantity) -> String {
        switch quantity {
        case .pressure: "pressure"
        case .volume: "volume"
        case .flow: "flow"
        case .energy: "energy"
        case .activePower: "active power"
        case .reactivePower: "reactive power"
        case .voltage: "voltage"
        case .current: "current"
        case .frequency: "frequency"
        case .temperature: "temperature"
        case .gasConcentration: "gas concentration"
        case .partsPerMillion: "parts-per-million"
        case .turbidity: "turbidity"
        case .massConcentration: "mass concentration"
        case .ph: "pH"
        case .ratio: "ratio"
        case .percent: "percentage"
        case .signalStrength: "signal strength"
        }
    }

    /// "a" or "an" before the quantity's name.
    static func article(_ quantity: UnitCatalog.Quantity) -> String {
        guard let first = name(quantity).first else { return "a" }
        return "aeio".contains(first) ? "an" : "a"
    }

    /// Familiar units first (the canonical one leading), then the rest of the catalog's units of the
    /// quantity, for "such as …" (the first four) and "… units are …" (all of them).
    static func units(of quantity: UnitCatalog.Quantity) -> [String] {
        let preferred: [String] = switch quantity {
        case .pressure: ["kPa", "bar", "MPa", "psi"]
        case .volume: ["m3", "L", "kL", "gal"]
        case .flow: ["m3/h", "L/s", "L/min", "m3/s"]
        case .energy: ["kWh", "Wh", "MWh", "MJ"]
        case .activePower: ["kW", "W", "MW"]
        case .reactivePower: ["kvar", "var", "Mvar"]
        case .voltage: ["V", "mV", "kV"]
        case .current: ["A", "mA", "kA"]
        case .frequency: ["Hz", "kHz"]
        case .temperature: ["degC", "K", "degF"]
        case .massConcentration: ["mg/L", "ug/L"]
        default: [quantity.canonicalUnit]
        }
        let known = preferred.filter { UnitCatalog.conversion(from: $0)?.quantity == quantity }
        let others = UnitCatalog.conversions.filter { $0.value.quantity == quantity && !known.contains($0.key) }
            .keys.sorted()
        return known + others
    }

    static func examples(of quantity: UnitCatalog.Quantity) -> [String] {
        Array(units(of: quantity).prefix(4))
    }
}
