/// Canonical units and the conversions into them (DESIGN §4). An unknown unit is a configuration
/// error, never a silent pass-through: a value in the wrong unit is worse than no value.
public enum UnitCatalog {
    /// How to turn a value in some unit into the canonical unit of the same quantity:
    /// `canonical = value * scale + offset`.
    public struct Conversion: Sendable, Hashable {
        public let quantity: Quantity
        public let scale: Double
        public let offset: Double
        /// A conversion that needs a fact the unit alone does not carry.
        public let needs: Need?

        /// Facts some units need before they can be converted.
        public enum Need: String, Sendable, Hashable {
            /// An absolute pressure: every pressure is stored as gauge pressure, so the atmospheric
            /// pressure to subtract must be declared.
            case atmosphericPressure
            /// `%vol` of a combustible gas: the lower explosive limit turns it into %LEL.
            case lowerExplosiveLimit
        }

        init(quantity: Quantity, scale: Double, offset: Double, needs: Need? = nil) {
            self.quantity = quantity
            self.scale = scale
            self.offset = offset
            self.needs = needs
        }

        @inlinable public func toCanonical(_ value: Double) -> Double { value * scale + offset }
        /// Whether the conversion changes the value at all.
        public var isIdentity: Bool { scale == 1 && offset == 0 }
    }

    /// What a unit measures; each quantity has one canonical unit.
    public enum Quantity: String, Sendable, Hashable, CaseIterable {
        case pressure, volume, flow, energy, activePower, reactivePower, voltage, current, frequency
        case temperature, gasConcentration, partsPerMillion, turbidity, massConcentration, ph, ratio, percent
        case signalStrength

        /// The unit every reading of this quantity is stored in.
        public var canonicalUnit: String {
            switch self {
            case .pressure: "kPa"
            case .volume: "m3"
            case .flow: "m3/h"
            case .energy: "kWh"
            case .activePower: "kW"
            case .reactivePower: "kvar"
            case .voltage: "V"
            case .current: "A"
            case .frequency: "Hz"
            case .temperature: "degC"
            case .gasConcentration: "%LEL"
            case .partsPerMillion: "ppm"
            case .turbidity: "NTU"
            case .massConcentration: "mg/L"
            case .ph: "pH"
            case .ratio: "1"
            case .percent: "%"
            case .signalStrength: "dBm"
            }
        }
    }

    private static func linear(_ q: Quantity, _ scale: Double, _ offset: Double = 0) -> Conversion {
        Conversion(quantity: q, scale: scale, offset: offset)
    }

    private static func absolute(_ scale: Double) -> Conversion {
        Conversion(quantity: .pressure, scale: scale, offset: 0, needs: .atmosphericPressure)
    }

    /// Every unit symbol the gateway accepts, with its conversion. Symbols are case-sensitive
    /// (`mW` and `MW` differ by a factor of 10⁹).
    public static let conversions: [String: Conversion] = [
        // pressure → kPa
        "kPa": linear(.pressure, 1), "Pa": linear(.pressure, 0.001), "hPa": linear(.pressure, 0.1),
        "MPa": linear(.pressure, 1000), "bar": linear(.pressure, 100), "mbar": linear(.pressure, 0.1),
        "psi": linear(.pressure, 6.894_757_293_168), "psig": linear(.pressure, 6.894_757_293_168),
        "mH2O": linear(.pressure, 9.806_65),
        // absolute pressures: refused unless the metric declares the atmospheric pressure
        "kPa_abs": absolute(1), "Pa_abs": absolute(0.001), "MPa_abs": absolute(1000), "bar_abs": absolute(100),
        "bara": absolute(100), "psia": absolute(6.894_757_293_168),
        // volume → m3
        "m3": linear(.volume, 1), "L": linear(.volume, 0.001), "l": linear(.volume, 0.001), "kL": linear(.volume, 1),
        "ML": linear(.volume, 1000), "ft3": linear(.volume, 0.028_316_846_592),
        "gal": linear(.volume, 0.003_785_411_784),
        // flow → m3/h
        "m3/h": linear(.flow, 1), "m3/s": linear(.flow, 3600), "m3/min": linear(.flow, 60),
        "L/s": linear(.flow, 3.6), "l/s": linear(.flow, 3.6), "L/min": linear(.flow, 0.06), "L/h": linear(.flow, 0.001),
        "ft3/h": linear(.flow, 0.028_316_846_592), "gal/min": linear(.flow, 0.227_124_707_04),
        "gpm": linear(.flow, 0.227_124_707_04),
        // energy → kWh
        "kWh": linear(.energy, 1), "Wh": linear(.energy, 0.001), "MWh": linear(.energy, 1000),
        "J": linear(.energy, 1.0 / 3_600_000), "kJ": linear(.energy, 1.0 / 3600), "MJ": linear(.energy, 1.0 / 3.6),
        // active power → kW
        "kW": linear(.activePower, 1), "W": linear(.activePower, 0.001), "MW": linear(.activePower, 1000),
        // reactive power → kvar
        "kvar": linear(.reactivePower, 1), "var": linear(.reactivePower, 0.001), "Mvar": linear(.reactivePower, 1000),
        // voltage → V
        "V": linear(.voltage, 1), "mV": linear(.voltage, 0.001), "kV": linear(.voltage, 1000),
        // current → A
        "A": linear(.current, 1), "mA": linear(.current, 0.001), "kA": linear(.current, 1000),
        // frequency → Hz
        "Hz": linear(.frequency, 1), "kHz": linear(.frequency, 1000),
        // temperature → degC
        "degC": linear(.temperature, 1), "°C": linear(.temperature, 1), "Cel": linear(.temperature, 1),
        "K": linear(.temperature, 1, -273.15),
        "degF": linear(.temperature, 5.0 / 9.0, -160.0 / 9.0), "°F": linear(.temperature, 5.0 / 9.0, -160.0 / 9.0),
        // gas
        "%LEL": linear(.gasConcentration, 1), "ppm": linear(.partsPerMillion, 1),
        "%vol": Conversion(quantity: .gasConcentration, scale: 1, offset: 0, needs: .lowerExplosiveLimit),
        // water quality
        "NTU": linear(.turbidity, 1), "FNU": linear(.turbidity, 1),
        "mg/L": linear(.massConcentration, 1), "ppm_mass": linear(.massConcentration, 1),
        "ug/L": linear(.massConcentration, 0.001), "pH": linear(.ph, 1),
        // dimensionless
        "1": linear(.ratio, 1), "/": linear(.ratio, 1), "%": linear(.percent, 1),
        // radio
        "dBm": linear(.signalStrength, 1),
    ]

    /// The conversion from `unit` into its canonical unit, or `nil` for a unit the gateway does not know.
    public static func conversion(from unit: String) -> Conversion? {
        conversions[unit]
    }
}

/// The metric vocabulary of DESIGN §4 and the quantity each metric measures. A route may use a
/// metric name that is not listed here (with any known unit), but a listed metric must be sent in a
/// unit of its own quantity: `pressure` in `V` is a configuration error.
public enum MetricCatalog {
    public static let quantities: [String: UnitCatalog.Quantity] = [
        "pressure": .pressure, "flow": .flow, "volume": .volume, "turbidity": .turbidity,
        "chlorine_free": .massConcentration, "chlorine_total": .massConcentration, "ph": .ph,
        "temperature": .temperature, "voltage": .voltage, "current": .current, "frequency": .frequency,
        "active_power": .activePower, "reactive_power": .reactivePower, "energy": .energy,
        "power_factor": .ratio, "voltage_unbalance": .percent, "oil_temperature": .temperature,
        "gas_leak": .gasConcentration, "co": .partsPerMillion, "battery_voltage": .voltage,
        "signal_strength": .signalStrength,
    ]

    /// The quantity a vocabulary metric measures, or `nil` for a metric outside the vocabulary.
    public static func quantity(of metric: String) -> UnitCatalog.Quantity? {
        quantities[metric]
    }
}
