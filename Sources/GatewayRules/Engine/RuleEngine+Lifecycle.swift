import GatewayCore

extension RuleEngine {
    /// Moves the tracker's episode along after its condition changed or time passed (`now` is event
    /// time): start (`pending`, or straight to active without an on-delay), activate at the end of
    /// the on-delay, severity changes, off-delay, clear; cancel a pending episode whose condition
    /// went away.
    mutating func step(_ index: Int, now: EpochMillis, into events: inout [AlertEvent]) {
        let rule = rules[trackers[index].ruleIndex]
        let device = trackers[index].deviceIndex
        if let severity = trackers[index].s.severity {
            trackers[index].s.clearSince = nil
            var id = trackers[index].s.currentAlertID
            if id == nil {
                guard devices[device].outOfService == nil else { return }
                id = startEpisode(index, severity: severity, now: now, into: &events)
            }
            guard let id, var record = alerts[id] else { return }
            if record.state == .pending {
                if devices[device].outOfService != nil {
                    cancelPending(index, actor: nil, note: nil, at: now, into: &events)
                } else if now >= (trackers[index].s.conditionSince ?? now) + rule.onDelayMillis {
                    activate(index, now: now, into: &events)
                } else if record.severity != severity {
                    // Inside the on-delay nothing is announced yet; activation reports the severity.
                    record.severity = severity
                    record.threshold = trackers[index].s.threshold
                    record.ticket = rule.wantsTicket(severity)
                    alerts[id] = record
                }
            } else if record.state.isActive,
                record.severity != severity || record.threshold != trackers[index].s.threshold
            {
                // Also when only the limit crossed changes (`outside` jumping from below `low`
                // straight to above `high`, `rate` from a drop to a rise): the alert must say which
                // limit the value is past now. Reported as `severity_changed` (same episode; the
                // severity may be unchanged, the threshold is the new limit).
                let previous = record.state
                record.severity = severity
                record.value = trackers[index].s.conditionValue
                record.threshold = trackers[index].s.threshold
                record.ticket = rule.wantsTicket(severity)
                record.updatedAt = now
                alerts[id] = record
                events.append(record.event(kind: .severityChanged, previousState: previous, time: now))
            }
        } else {
            guard let id = trackers[index].s.currentAlertID, let record = alerts[id] else { return }
            if record.state == .pending {
                cancelPending(index, actor: nil, note: nil, at: now, into: &events)
                return
            }
            let since = trackers[index].s.clearSince ?? now
            trackers[index].s.clearSince = since
            if now >= since + rule.offDelayMillis {
                clear(index, now: now, into: &events)
            }
        }
    }

    /// A new episode for the tracker's condition; `pending` (its event emitted) when the rule has an
    /// on-delay, otherwise created pending and activated by the caller at once (no `pending` event).
    mutating func startEpisode(_ index: Int, severity: Severity, now: EpochMillis, into events: inout [AlertEvent]) -> String {
        let tracker = trackers[index]
        let rule = rules[tracker.ruleIndex]
        let definition = definitions[tracker.ruleIndex]
        let key = series[tracker.seriesIndex].key
        let id = newAlertID()
        var record = AlertRecord(
            id: id, ruleID: definition.id, utility: key.utility, site: key.site, device: key.device,
            metric: key.metric, state: .pending, severity: severity, since: tracker.s.conditionSince ?? now,
            value: tracker.s.conditionValue, threshold: tracker.s.threshold, risk: definition.risk,
            safety: tracker.safety, ticket: rule.wantsTicket(severity))
        record.updatedAt = now
        record.shelved = tracker.s.shelvedUntil != nil
        record.shelvedUntil = tracker.s.shelvedUntil
        record.suppressed = isSuppressed(index)
        alerts[id] = record
        alertTracker[id] = index
        trackers[index].s.currentAlertID = id
        trackers[index].s.alertIDs.append(id)
        let onDelayEnds = (tracker.s.conditionSince ?? now) + rule.onDelayMillis
        if now < onDelayEnds {
            trackers[index].s.pendingAnnounced = true
            events.append(record.event(kind: .pending, previousState: nil, time: now))
        }
        return id
    }

    /// The end of the on-delay: `pending` → `active_unack`, with the noise controls (chattering,
    /// flood counting) and, for `no_data`, first-out suppression of the device's other alerts.
    mutating func activate(_ index: Int, now: EpochMillis, into events: inout [AlertEvent]) {
        guard let id = trackers[index].s.currentAlertID, var record = alerts[id] else { return }
        let rule = rules[trackers[index].ruleIndex]
        let tracker = trackers[index]
        // A `pending` event was emitted only when the on-delay actually ran.
        let previous: AlertState? = tracker.s.pendingAnnounced ? .pending : nil
        trackers[index].s.pendingAnnounced = false
        let severity = tracker.s.severity ?? record.severity
        record.state = .activeUnack
        record.severity = severity
        record.value = tracker.s.conditionValue
        record.threshold = tracker.s.threshold
        record.ticket = rule.wantsTicket(severity)
        record.updatedAt = now
        record.suppressed = isSuppressed(index)

        // Chattering: too many activations of this alarm within the window → shelve it for a while.
        trackers[index].s.activations.trim(notAfter: now - settings.chatteringWindowMillis)
        trackers[index].s.activations.append(now)
        let chattering = !tracker.safety && trackers[index].s.shelvedUntil == nil
            && trackers[index].s.activations.count >= settings.chatteringActivations
        // Flood: count the activation at its site.
        let (flooding, floodStarts) = countActivation(site: tracker.siteIndex, at: now)
        record.duringFlood = flooding && !tracker.safety
        alerts[id] = record
        events.append(record.event(kind: .activated, previousState: previous, time: now))

        if chattering {
            let until = (wallTime ?? now) + settings.chatteringShelveMillis
            trackers[index].s.shelvedUntil = until
            trackers[index].s.shelvedBy = nil
            insertShelved(index)
            for other in trackers[index].s.alertIDs {
                guard var shelved = alerts[other] else { continue }
                shelved.shelved = true
                shelved.shelvedUntil = until
                shelved.updatedAt = now
                alerts[other] = shelved
                events.append(
                    shelved.event(
                        kind: other == id ? .chattering : .shelved, previousState: shelved.state, time: now,
                        note: "activated \(trackers[index].s.activations.count) times within the chattering window"))
            }
            recomputeWallDue()
        }
        if floodStarts {
            startFlood(site: tracker.siteIndex, at: now, into: &events)
        }
        if tracker.isNoData {
            devices[tracker.deviceIndex].activeNoData += 1
            if devices[tracker.deviceIndex].activeNoData == 1 {
                setSuppression(device: tracker.deviceIndex, true, at: now, into: &events)
            }
        }
    }

    /// Off-delay over: `active_ack` → `cleared` (gone), `active_unack` → `cleared_unack` (stays
    /// until acknowledged). The tracker is free for a new episode either way.
    mutating func clear(_ index: Int, now: EpochMillis, into events: inout [AlertEvent]) {
        guard let id = trackers[index].s.currentAlertID, var record = alerts[id] else { return }
        let previous = record.state
        record.state = previous == .activeAck ? .cleared : .clearedUnack
        record.value = trackers[index].s.conditionValue
        record.updatedAt = now
        events.append(record.event(kind: .cleared, previousState: previous, time: now))
        trackers[index].s.currentAlertID = nil
        trackers[index].s.clearSince = nil
        if record.state == .cleared {
            forget(id)
        } else {
            alerts[id] = record
        }
        if trackers[index].isNoData {
            let device = trackers[index].deviceIndex
            devices[device].activeNoData -= 1
            if devices[device].activeNoData == 0 {
                setSuppression(device: device, false, at: now, into: &events)
            }
        }
    }

    /// A pending episode disappears (condition gone, or the device went out of service).
    mutating func cancelPending(
        _ index: Int, actor: String?, note: String?, at now: EpochMillis, into events: inout [AlertEvent]
    ) {
        guard let id = trackers[index].s.currentAlertID, var record = alerts[id], record.state == .pending else { return }
        record.updatedAt = now
        events.append(record.event(kind: .pendingCancelled, previousState: .pending, time: now, actor: actor, note: note))
        trackers[index].s.currentAlertID = nil
        trackers[index].s.pendingAnnounced = false
        forget(id)
    }

    /// Drops a finished alert from the table and its tracker.
    mutating func forget(_ id: String) {
        alerts[id] = nil
        if let index = alertTracker.removeValue(forKey: id) {
            trackers[index].s.alertIDs.removeAll { $0 == id }
        }
    }

    /// First-out: whether a new alert of this tracker starts suppressed.
    func isSuppressed(_ index: Int) -> Bool {
        !trackers[index].isNoData && devices[trackers[index].deviceIndex].activeNoData > 0
    }

    /// Sets or clears the suppressed flag on every current non-`no_data` alert of the device.
    mutating func setSuppression(device: Int, _ suppressed: Bool, at now: EpochMillis, into events: inout [AlertEvent]) {
        for index in devices[device].trackers where !trackers[index].isNoData {
            for id in trackers[index].s.alertIDs {
                guard var record = alerts[id], record.suppressed != suppressed else { continue }
                record.suppressed = suppressed
                record.updatedAt = now
                alerts[id] = record
                events.append(record.event(kind: suppressed ? .suppressed : .unsuppressed, previousState: record.state, time: now))
            }
        }
    }
}
