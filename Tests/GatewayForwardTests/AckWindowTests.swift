import GatewayStore
import Testing

@testable import GatewayForward

/// The cursor rule: it moves only over the acknowledged prefix of what was published.
@Suite struct AckWindowTests {
    @Test func inOrderAcknowledgementsMoveEachStreamsCursor() {
        var window = AckWindow(acknowledged: ForwardCursors(readings: 10))
        window.published(mid: 1, stream: .alertHistory, lastSeq: 4, records: 1)
        window.published(mid: 2, stream: .readings, lastSeq: 110, records: 100)
        #expect(window.sent == ForwardCursors(readings: 110, alertHistory: 4))
        #expect(window.inFlight == 2)
        let r1 = window.acknowledge(mid: 1)
        #expect(r1)
        let r2 = window.advance()
        #expect(r2 == [.alertHistory: 1])
        #expect(window.acknowledged == ForwardCursors(readings: 10, alertHistory: 4))
        let r3 = window.acknowledge(mid: 2)
        #expect(r3)
        let r4 = window.advance()
        #expect(r4 == [.readings: 100])
        #expect(window.acknowledged == ForwardCursors(readings: 110, alertHistory: 4))
        #expect(window.inFlight == 0)
    }

    @Test func aLaterAcknowledgementWaitsForTheEarlierOne() {
        var window = AckWindow(acknowledged: ForwardCursors())
        window.published(mid: 7, stream: .readings, lastSeq: 100, records: 100)
        window.published(mid: 8, stream: .readings, lastSeq: 200, records: 100)
        window.acknowledge(mid: 8)
        let r5 = window.advance()
        #expect(r5.isEmpty)
        #expect(window.acknowledged.readings == 0, "seq 101…200 acknowledged, 1…100 not: nothing may count yet")
        window.acknowledge(mid: 7)
        let r6 = window.advance()
        #expect(r6 == [.readings: 200])
        #expect(window.acknowledged.readings == 200)
    }

    @Test func unknownAndRepeatedIdsAreIgnored() {
        var window = AckWindow(acknowledged: ForwardCursors())
        window.published(mid: 3, stream: .ticketHistory, lastSeq: 9, records: 1)
        let r7 = window.acknowledge(mid: 99)
        #expect(!r7, "a status message's id")
        let r8 = window.acknowledge(mid: 3)
        #expect(r8)
        let r9 = window.acknowledge(mid: 3)
        #expect(!r9)
        let r10 = window.advance()
        #expect(r10 == [.ticketHistory: 1])
        let r11 = window.advance()
        #expect(r11.isEmpty)
    }
}
