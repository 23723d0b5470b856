import FuzzSupport
import GatewayAdapters
import GatewayCore
import Testing

@testable import utility_sim

/// `utility-sim publish --format`: every format's payload decodes, with the default routes of
/// config/gateway.yaml switched to that format (as bench/run does), into the device's readings.
@Suite struct PublishFormatTests {
    /// The default water route with `format` (SenML names its device in `bn` and has no `timestamp:`).
    static func route(_ format: PublishFormat) -> String {
        let device = format == .senml ? "\"{payload.bn}\"" : "\"{topic.3}\""
        let timestamp = format == .senml ? "" : "timestamp: { path: ts, format: epoch_ms }\n"
        return """
            id: water
            topic: "utilities/water/+/+/telemetry"
            format: \(format.rawValue)
            utility: water
            site: "{topic.2}"
            device: \(device)
            \(timestamp)metrics:
              - { name: pressure, path: pressure, unit: kPa }
              - { name: flow, path: flow, unit: m3/h }
              - { name: chlorine_free, path: chlorine_free, unit: mg/L }
            """
    }

    @Test(arguments: PublishFormat.allCases)
    func decodesWithTheDefaultRoute(_ format: PublishFormat) throws {
        let device = SimulatedDevice(index: 3, topicPrefix: "utilities")
        let rows = format == .csv ? 10 : 1
        var generator = SeededGenerator(seed: 7)
        let timestamp: EpochMillis = 1_795_766_400_123
        let payload = device.payload(format: format, rows: rows, sequence: 1, timestamp: timestamp, generator: &generator)
        let route = try RouteUnderTest(name: format.rawValue, routeYAML: Self.route(format), topic: device.topic)
        let result = route.decoder.decode(route.message(payload))
        #expect(result.quarantined.isEmpty, "\(result.quarantined)")
        #expect(result.readings.count == 3 * rows)
        #expect(Set(result.readings.map(\.device)) == [device.id])
        #expect(Set(result.readings.map(\.metric)) == ["pressure", "flow", "chlorine_free"])
        #expect(result.readings.map(\.timestamp).min() == timestamp)
        #expect(result.readings.map(\.timestamp).max() == timestamp + EpochMillis(rows - 1))
    }

    @Test func jsonCarriesTheSendTimeWithoutChangingTheReadings() throws {
        let device = SimulatedDevice(index: 0, topicPrefix: "utilities")
        var plain = SeededGenerator(seed: 1)
        var timed = SeededGenerator(seed: 1)
        let without = device.payload(format: .json, rows: 1, sequence: 5, timestamp: 1_795_766_400_000, generator: &plain)
        let with = device.payload(format: .json, rows: 1, sequence: 5, timestamp: 1_795_766_400_000, sentMicros: 42, generator: &timed)
        #expect(String(decoding: with, as: UTF8.self).hasPrefix("{\"seq\":5,\"sent_us\":42,\"ts\":1795766400000,"))
        let route = try RouteUnderTest(name: "json", routeYAML: Self.route(.json), topic: device.topic)
        let readings = { (payload: [UInt8]) in route.decoder.decode(route.message(payload)).readings.map(\.value) }
        #expect(readings(with) == readings(without))
        #expect(readings(with).count == 3)
    }
}
