import GatewayCore

extension RuleEngine {
    /// Judges one reading (in store order) against every rule of its series.
    ///
    /// Timers due strictly before the reading's timestamp run first (a `no_data` that a late-coming
    /// reading would end still happened), then the reading, then timers due up to the watermark.
    public mutating func evaluate(_ reading: Reading) -> [AlertEvent] {
        var events: [AlertEvent] = []
        evaluate(reading, into: &events)
        return events
    }

    /// Judges readings in order.
    public mutating func evaluate(_ readings: some Sequence<Reading>) -> [AlertEvent] {
        var events: [AlertEvent] = []
        for reading in readings { evaluate(reading, into: &events) }
        return events
    }

    /// The hot path: appends to `events` (nothing is allocated when nothing happens).
    public mutating func evaluate(_ reading: Reading, into events: inout [AlertEvent]) {
        if let seq = reading.seq, seq > (lastSeq ?? .min) { lastSeq = seq }
        if reading.receivedAt > (wallTime ?? .min) {
            wallTime = reading.receivedAt
            if let due = nextWallDue, due <= reading.receivedAt { expireWallTimers(at: reading.receivedAt, into: &events) }
        }
        let time = reading.timestamp
        if let top = timers.first, top.due < time { runTimers(through: time - 1, into: &events) }
        if time > (watermark ?? .min) { watermark = time }

        let slot = seriesSlot(
            utility: reading.utility, site: reading.site, device: reading.device, metric: reading.metric, topic: reading.topic)
        let first = series[slot].firstTracker
        let end = first + series[slot].trackerCount
        var index = first
        while index < end {
            if let last = trackers[index].s.lastTime, time < last {
                index += 1
                continue
            }
            let ruleIndex = trackers[index].ruleIndex
            if trackers[index].observe(reading.value, at: time, rule: rules[ruleIndex]) {
                step(index, now: time, into: &events)
                schedule(index)
            } else if trackers[index].isNoData {
                schedule(index)
            }
            index += 1
        }
        if let top = timers.first, top.due <= (watermark ?? .min) { runTimers(through: watermark!, into: &events) }
    }

    /// Time passes without readings: the event-time watermark moves to `eventTime` (never back),
    /// firing `no_data` and completing on- and off-delays whose time has come; wall time moves to
    /// `wallTime`, ending shelving and out-of-service periods that ran out. The daemon calls this
    /// with the wall clock for both while the feed is quiet.
    public mutating func advance(eventTime: EpochMillis, wallTime now: EpochMillis) -> [AlertEvent] {
        var events: [AlertEvent] = []
        noteWallTime(now, into: &events)
        if eventTime > (watermark ?? .min) { watermark = eventTime }
        if let mark = watermark { runTimers(through: mark, into: &events) }
        return events
    }

    /// Moves wall time forward and runs the wall-clock expiries that are due.
    mutating func noteWallTime(_ now: EpochMillis, into events: inout [AlertEvent]) {
        if now > (wallTime ?? .min) { wallTime = now }
        if let due = nextWallDue, let wall = wallTime, due <= wall { expireWallTimers(at: wall, into: &events) }
    }

    // MARK: event-time timers

    /// Runs every timer due at or before `limit`, each at its own due time, in (due, target) order.
    mutating func runTimers(through limit: EpochMillis, into events: inout [AlertEvent]) {
        while let top = timers.first, top.due <= limit {
            _ = timers.pop()
            if top.target >= 0 {
                let index = top.target
                guard trackers[index].scheduledAt == top.due else { continue }
                trackers[index].scheduledAt = nil
                if let due = noDataDue(index), due <= top.due {
                    trackers[index].s.severity = .warning
                    trackers[index].s.threshold = nil
                    trackers[index].s.conditionValue = nil
                    trackers[index].s.conditionSince = due
                }
                step(index, now: top.due, into: &events)
                schedule(index)
            } else {
                let site = -top.target - 1
                guard sites[site].scheduledAt == top.due else { continue }
                sites[site].scheduledAt = nil
                checkFloodEnd(site: site, at: top.due, into: &events)
                scheduleSite(site)
            }
        }
    }

    /// When the tracker next needs looking at without a reading: the end of its on-delay or
    /// off-delay, or the moment its `no_data` period runs out.
    func nextDue(_ index: Int) -> EpochMillis? {
        // Field by field: copying the whole tracker would retain its arrays and strings.
        var due: EpochMillis?
        if let id = trackers[index].s.currentAlertID, let state = alerts[id]?.state {
            let rule = rules[trackers[index].ruleIndex]
            if state == .pending, let since = trackers[index].s.conditionSince {
                due = since + rule.onDelayMillis
            } else if state.isActive, trackers[index].s.severity == nil, let since = trackers[index].s.clearSince {
                due = since + rule.offDelayMillis
            }
        }
        if let noData = noDataDue(index) { due = min(due ?? noData, noData) }
        return due
    }

    /// Makes sure the tracker's timer entry is no later than its next due time. A later due time
    /// (a `no_data` period pushed back by a reading) keeps the earlier entry, which reschedules
    /// when it pops: one heap entry per tracker, not one per reading.
    @inline(__always)
    mutating func schedule(_ index: Int) {
        guard let due = nextDue(index) else { return }
        if let scheduled = trackers[index].scheduledAt, scheduled <= due { return }
        trackers[index].scheduledAt = due
        timers.push(TimerHeap.Entry(due: due, target: index))
    }

    mutating func scheduleSite(_ site: Int) {
        guard sites[site].floodAlertID != nil, let oldest = sites[site].activations.oldest else { return }
        let due = oldest + settings.floodWindowMillis
        if let scheduled = sites[site].scheduledAt, scheduled <= due { return }
        sites[site].scheduledAt = due
        timers.push(TimerHeap.Entry(due: due, target: -site - 1))
    }

    // MARK: wall-clock expiries

    /// Ends shelving and out-of-service periods whose wall time has come.
    mutating func expireWallTimers(at now: EpochMillis, into events: inout [AlertEvent]) {
        for index in shelvedTrackers {
            guard let until = trackers[index].s.shelvedUntil, until <= now else { continue }
            endShelving(index, kind: .shelveExpired, actor: nil, note: nil, at: now, into: &events)
        }
        let expired = outOfServiceDevices.filter { index in
            devices[index].outOfService?.until.map { $0 <= now } ?? false
        }.sorted { devices[$0].key < devices[$1].key }
        for index in expired {
            endOutOfService(index, actor: nil, note: nil, at: now, into: &events)
        }
        alertBrokerOutageIfDue(at: now, into: &events)
        recomputeWallDue()
    }

    mutating func recomputeWallDue() {
        shelvedTrackers.removeAll { trackers[$0].s.shelvedUntil == nil }
        outOfServiceDevices.removeAll { devices[$0].outOfService == nil }
        var due: EpochMillis?
        for index in shelvedTrackers {
            if let until = trackers[index].s.shelvedUntil { due = min(due ?? until, until) }
        }
        for index in outOfServiceDevices {
            if let until = devices[index].outOfService?.until { due = min(due ?? until, until) }
        }
        if let outage = brokerOutageAlertDue { due = min(due ?? outage, outage) }
        nextWallDue = due
    }
}
