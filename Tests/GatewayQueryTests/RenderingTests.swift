import GatewayCore
import Testing
@testable import GatewayQuery

@Suite struct RenderingTests {
    let reading = Reading(
        seq: 7, utility: .water, site: "north", device: "wm-1", metric: "pressure", value: -3.5, unit: "kPa",
        timestamp: 1_764_230_400_123, receivedAt: 1_764_230_400_200, topic: "t")
    let columns = ["seq", "utility", "site", "device", "metric", "value", "unit", "ts", "received_at"]

    @Test func jsonHasTheDocumentedKeysInOrder() {
        let json = OutputFormat.json.render([Record(reading: reading)], columns: columns)
        #expect(json == """
            [
              {"seq": 7, "utility": "water", "site": "north", "device": "wm-1", "metric": "pressure", "value": -3.5, "unit": "kPa", "ts": "2025-11-27T08:00:00.123Z", "received_at": "2025-11-27T08:00:00.200Z"}
            ]

            """)
        #expect(OutputFormat.json.render([], columns: columns) == "[]\n")
    }

    @Test func csvHasHeaderAndDefusesFormulas() {
        var hostile = reading
        hostile.device = "=HYPERLINK(\"http://x\",\"y\")"
        hostile.site = "+1, \"a\""
        let csv = OutputFormat.csv.render([Record(reading: reading), Record(reading: hostile)], columns: columns)
        let lines = csv.split(separator: "\r\n").map(String.init)
        #expect(lines[0] == "seq,utility,site,device,metric,value,unit,ts,received_at")
        #expect(lines[1] == "7,water,north,wm-1,pressure,-3.5,kPa,2025-11-27T08:00:00.123Z,2025-11-27T08:00:00.200Z")
        #expect(lines[2].contains(#""'=HYPERLINK(""http://x"",""y"")""#))
        #expect(lines[2].contains(#""'+1, ""a""""#))
        #expect(CSVRenderer.escape("-3.5") == "-3.5")
        #expect(CSVRenderer.escape("@cmd") == "'@cmd")
        #expect(CSVRenderer.escape("\tx") == "'\tx")
    }

    @Test func tableAlignsAndSanitizes() {
        var odd = reading
        odd.device = "a\u{1B}[2Jb"
        let table = OutputFormat.table.render([Record(reading: reading), Record(reading: odd)], columns: columns)
        #expect(table.hasPrefix("SEQ  UTILITY  SITE   DEVICE"))
        #expect(table.contains("a?[2Jb"))
        #expect(!table.contains("\u{1B}"))
        #expect(OutputFormat.table.render([], columns: ["a"]).hasSuffix("(no rows)\n"))
    }
}
