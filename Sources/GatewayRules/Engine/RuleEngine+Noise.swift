import GatewayCore

extension RuleEngine {
    /// Counts one activation at a site. Returns whether the site is flooding with it counted, and
    /// whether this activation starts the flood (more than `floodNewAlerts` within the window).
    mutating func countActivation(site: Int, at now: EpochMillis) -> (flooding: Bool, starts: Bool) {
        sites[site].activations.trim(notAfter: now - settings.floodWindowMillis)
        sites[site].activations.append(now)
        if sites[site].floodAlertID != nil { return (true, false) }
        let starts = sites[site].activations.count > settings.floodNewAlerts
        return (starts, starts)
    }

    /// Raises the site-level flood alert (`gateway.flood`, device `*`).
    mutating func startFlood(site: Int, at now: EpochMillis, into events: inout [AlertEvent]) {
        let id = newAlertID()
        let record = AlertRecord(
            id: id, ruleID: GatewayRuleID.flood, utility: nil, site: sites[site].name, device: "*", metric: "*",
            state: .activeUnack, severity: .warning, since: now, value: Double(sites[site].activations.count),
            threshold: Double(settings.floodNewAlerts), risk: Risk(level: .medium, category: .operational),
            safety: false, ticket: false)
        alerts[id] = record
        sites[site].floodAlertID = id
        events.append(
            record.event(
                kind: .floodStarted, previousState: nil, time: now,
                note: "\(sites[site].activations.count) new alerts within the flood window"))
        scheduleSite(site)
    }

    /// At the moment an activation leaves the window: ends the flood once fewer than
    /// `floodEndBelow` activations remain in it.
    mutating func checkFloodEnd(site: Int, at now: EpochMillis, into events: inout [AlertEvent]) {
        sites[site].activations.trim(notAfter: now - settings.floodWindowMillis)
        guard let id = sites[site].floodAlertID, sites[site].activations.count < settings.floodEndBelow else { return }
        sites[site].floodAlertID = nil
        guard var record = alerts[id] else { return }
        let previous = record.state
        record.state = previous == .activeAck ? .cleared : .clearedUnack
        record.value = Double(sites[site].activations.count)
        record.threshold = Double(settings.floodEndBelow)
        record.updatedAt = now
        events.append(record.event(kind: .floodEnded, previousState: previous, time: now))
        alerts[id] = record.state == .cleared ? nil : record
    }

    /// Keeps `shelvedTrackers` sorted and unique.
    mutating func insertShelved(_ index: Int) {
        var low = 0, high = shelvedTrackers.count
        while low < high {
            let mid = (low + high) / 2
            if shelvedTrackers[mid] < index { low = mid + 1 } else { high = mid }
        }
        if low < shelvedTrackers.count, shelvedTrackers[low] == index { return }
        shelvedTrackers.insert(index, at: low)
    }

    /// Ends the tracker's shelving (operator `unshelve` or expiry), one event per current alert.
    mutating func endShelving(
        _ index: Int, kind: AlertEventKind, actor: String?, note: String?, at now: EpochMillis,
        into events: inout [AlertEvent]
    ) {
        trackers[index].s.shelvedUntil = nil
        trackers[index].s.shelvedBy = nil
        for id in trackers[index].s.alertIDs {
            guard var record = alerts[id], record.shelved else { continue }
            record.shelved = false
            record.shelvedUntil = nil
            record.updatedAt = now
            alerts[id] = record
            events.append(record.event(kind: kind, previousState: record.state, time: now, actor: actor, note: note))
        }
    }

    /// Puts the device back in service (operator or expiry): flags off, then conditions that still
    /// hold start new episodes, their on-delay counted from when the condition began.
    mutating func endOutOfService(
        _ device: Int, actor: String?, note: String?, at now: EpochMillis, into events: inout [AlertEvent]
    ) {
        devices[device].outOfService = nil
        for index in devices[device].trackers {
            for id in trackers[index].s.alertIDs {
                guard var record = alerts[id], record.outOfService else { continue }
                record.outOfService = false
                record.updatedAt = now
                alerts[id] = record
                events.append(
                    record.event(
                        kind: .inService, previousState: record.state, time: now, actor: actor,
                        note: note ?? (actor == nil ? "out-of-service period ended" : nil)))
            }
        }
        let eventNow = watermark ?? now
        for index in devices[device].trackers
        where trackers[index].s.severity != nil && trackers[index].s.currentAlertID == nil {
            step(index, now: max(eventNow, trackers[index].s.conditionSince ?? eventNow), into: &events)
            schedule(index)
        }
    }
}
