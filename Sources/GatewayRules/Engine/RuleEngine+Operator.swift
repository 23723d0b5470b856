import GatewayCore

/// Operator actions. Each takes the operator (`actor`, non-empty), an optional note and the wall
/// time of the action; wall-clock expiries due by then run first and their events come first in
/// the result. A refused action changes nothing and throws ``RuleEngineError``.
extension RuleEngine {
    /// Acknowledges an alert: `active_unack` → `active_ack`; `cleared_unack` → `cleared` (the
    /// alert is over). A gateway `possible_data_gap` alert is an event, not a condition: it clears
    /// as soon as it is acknowledged (`acknowledged` then `cleared`).
    public mutating func acknowledge(
        alertID: String, actor: String, note: String? = nil, at now: EpochMillis
    ) throws(RuleEngineError) -> [AlertEvent] {
        try check(actor: actor)
        let record = try current(alertID)
        switch record.state {
        case .pending:
            throw .notAllowed(
                id: alertID, action: "acknowledge", state: record.state,
                reason: "its on-delay is still running, so nothing has been announced yet")
        case .activeAck:
            throw .notAllowed(
                id: alertID, action: "acknowledge", state: record.state,
                reason: "it was already acknowledged by \(record.acknowledgedBy ?? "an operator")")
        case .cleared:
            throw .alertClosed(id: alertID)
        case .activeUnack, .clearedUnack:
            break
        }
        var events: [AlertEvent] = []
        noteWallTime(now, into: &events)
        guard var updated = alerts[alertID] else { return events }
        let previous = updated.state
        updated.state = previous == .activeUnack ? .activeAck : .cleared
        updated.acknowledgedBy = actor
        updated.acknowledgedAt = now
        updated.updatedAt = now
        events.append(updated.event(kind: .acknowledged, previousState: previous, time: now, actor: actor, note: note))
        if updated.state == .cleared {
            forget(alertID)
        } else if GatewayRuleID.endedByAcknowledgement.contains(updated.ruleID) {
            updated.state = .cleared
            events.append(updated.event(kind: .cleared, previousState: .activeAck, time: now, actor: actor, note: note))
            forget(alertID)
        } else {
            alerts[alertID] = updated
        }
        return events
    }

    /// Shelves the alarm the alert belongs to (its rule on its series) until `until` (wall time):
    /// every current alert of that alarm, and any episode that begins before the shelving ends,
    /// is flagged `shelved`. Shelving again moves the expiry. Not for safety alerts, nor for the
    /// gateway's own alerts.
    public mutating func shelve(
        alertID: String, until: EpochMillis, actor: String, note: String? = nil, at now: EpochMillis
    ) throws(RuleEngineError) -> [AlertEvent] {
        try check(actor: actor)
        let record = try current(alertID)
        guard let index = alertTracker[alertID] else {
            throw .notAllowed(
                id: alertID, action: "shelve", state: record.state,
                reason: "the gateway's own alerts (\(record.ruleID)) cannot be shelved; acknowledge them instead")
        }
        guard !record.safety else {
            throw .notAllowed(
                id: alertID, action: "shelve", state: record.state,
                reason: "it is a safety alert, which must stay visible; put the device out of service for maintenance instead")
        }
        guard until > now else { throw .expiryNotInFuture(until: until, now: now) }
        var events: [AlertEvent] = []
        noteWallTime(now, into: &events)
        trackers[index].s.shelvedUntil = until
        trackers[index].s.shelvedBy = actor
        insertShelved(index)
        for id in trackers[index].s.alertIDs {
            guard var shelved = alerts[id] else { continue }
            shelved.shelved = true
            shelved.shelvedUntil = until
            shelved.updatedAt = now
            alerts[id] = shelved
            events.append(shelved.event(kind: .shelved, previousState: shelved.state, time: now, actor: actor, note: note))
        }
        recomputeWallDue()
        return events
    }

    /// Ends a shelving before its expiry.
    public mutating func unshelve(
        alertID: String, actor: String, note: String? = nil, at now: EpochMillis
    ) throws(RuleEngineError) -> [AlertEvent] {
        try check(actor: actor)
        let record = try current(alertID)
        guard let index = alertTracker[alertID], trackers[index].s.shelvedUntil != nil else {
            throw .notAllowed(id: alertID, action: "unshelve", state: record.state, reason: "it is not shelved")
        }
        var events: [AlertEvent] = []
        noteWallTime(now, into: &events)
        if trackers[index].s.shelvedUntil != nil {
            endShelving(index, kind: .unshelved, actor: actor, note: note, at: now, into: &events)
            recomputeWallDue()
        }
        return events
    }

    /// Puts a device out of service (maintenance, known fault) until `until` (wall time; `nil`:
    /// until ``setInService(_:actor:note:at:)``). Its current alerts are flagged, its pending ones
    /// cancelled, and nothing new is raised; its readings are still judged, silently, so that the
    /// state is right when it returns. Setting it again updates the period.
    public mutating func setOutOfService(
        _ device: DeviceKey, until: EpochMillis?, actor: String, note: String? = nil, at now: EpochMillis
    ) throws(RuleEngineError) -> [AlertEvent] {
        try check(actor: actor)
        if let until, until <= now { throw .expiryNotInFuture(until: until, now: now) }
        var events: [AlertEvent] = []
        noteWallTime(now, into: &events)
        let slot = deviceSlot(device)
        let period = OutOfServicePeriod(
            since: devices[slot].outOfService?.since ?? now, until: until, actor: actor, note: note)
        let wasOut = devices[slot].outOfService != nil
        devices[slot].outOfService = period
        if !outOfServiceDevices.contains(slot) { outOfServiceDevices.append(slot) }
        if !wasOut {
            for index in devices[slot].trackers {
                cancelPending(index, actor: actor, note: note, at: now, into: &events)
                for id in trackers[index].s.alertIDs {
                    guard var record = alerts[id], !record.outOfService else { continue }
                    record.outOfService = true
                    record.updatedAt = now
                    alerts[id] = record
                    events.append(
                        record.event(kind: .outOfService, previousState: record.state, time: now, actor: actor, note: note))
                }
            }
        }
        recomputeWallDue()
        return events
    }

    /// Puts a device back in service before its period ends.
    public mutating func setInService(
        _ device: DeviceKey, actor: String, note: String? = nil, at now: EpochMillis
    ) throws(RuleEngineError) -> [AlertEvent] {
        try check(actor: actor)
        guard let slot = deviceIndex[device], devices[slot].outOfService != nil else { throw .deviceInService(device) }
        var events: [AlertEvent] = []
        noteWallTime(now, into: &events)
        if devices[slot].outOfService != nil {
            endOutOfService(slot, actor: actor, note: note, at: now, into: &events)
            recomputeWallDue()
        }
        return events
    }

    /// Something the gateway noticed about itself. A `possible_data_gap` (warning) or a
    /// `store_recovered` (critical) becomes an alert (`gateway.possible_data_gap`,
    /// `gateway.store_recovered`; safety alerts: never shelved or flooded) that operators
    /// acknowledge, which also ends it. The buffer's conditions (`buffer.high_water`, warning;
    /// `buffer.dropping` and `store.disk_full`, critical) are raised by their start events and
    /// cleared by their end events. `session_created` raises nothing. A `broker_link_down` holds
    /// every `no_data` and, once it lasts, raises `broker.link_down` (see `BrokerOutage`).
    public mutating func recordGatewayEvent(_ event: GatewayEvent) -> [AlertEvent] {
        switch event.kind {
        case .possibleDataGap: return raiseGatewayAlert(GatewayRuleID.possibleDataGap, severity: .warning, event)
        // Readings the gateway acknowledged are now only in the moved-aside file: critical.
        case .storeRecovered: return raiseGatewayAlert(GatewayRuleID.storeRecovered, severity: .critical, event)
        case .sessionCreated: return []
        case .bufferHighWater: return raiseCondition(GatewayRuleID.bufferHighWater, severity: .warning, event)
        case .bufferBelowHighWater: return clearCondition(GatewayRuleID.bufferHighWater, event)
        // Readings are being deleted before anyone upstream has them: critical.
        case .bufferDropping: return raiseCondition(GatewayRuleID.bufferDropping, severity: .critical, event)
        case .bufferStoppedDropping: return clearCondition(GatewayRuleID.bufferDropping, event)
        // Ingest stops (acknowledgements withheld) until there is room: critical.
        case .diskFull: return raiseCondition(GatewayRuleID.storeDiskFull, severity: .critical, event)
        case .diskSpaceReturned: return clearCondition(GatewayRuleID.storeDiskFull, event)
        // `no_data` held at once; `broker.link_down` (critical: the control room is blind) once
        // the outage lasts `alerting.broker_link_down_after`.
        case .brokerLinkDown: return brokerLinkDown(event)
        case .brokerLinkUp: return brokerLinkUp(event)
        }
    }

    /// A gateway condition starts: one alert while it lasts (a repeated start is the same episode).
    mutating func raiseCondition(_ ruleID: String, severity: Severity, _ event: GatewayEvent) -> [AlertEvent] {
        guard activeCondition(ruleID) == nil else { return [] }
        return raiseGatewayAlert(ruleID, severity: severity, event)
    }

    /// A new alert of the gateway itself (site, device and metric `*`), a safety alert: never
    /// shelved or folded into a flood.
    mutating func raiseGatewayAlert(_ ruleID: String, severity: Severity, _ event: GatewayEvent) -> [AlertEvent] {
        let id = newAlertID()
        let record = AlertRecord(
            id: id, ruleID: ruleID, utility: nil, site: "*", device: "*", metric: "*",
            state: .activeUnack, severity: severity, since: event.timestamp, value: nil, threshold: nil,
            risk: Risk(level: .high, category: .technical), safety: true, ticket: false)
        alerts[id] = record
        return [record.event(kind: .activated, previousState: nil, time: event.timestamp, note: event.message)]
    }

    /// A gateway condition ends: its alert clears (and stays until acknowledged, if it was not).
    /// An end without an active alert — the first report after a restart — does nothing.
    mutating func clearCondition(_ ruleID: String, _ event: GatewayEvent) -> [AlertEvent] {
        guard var record = activeCondition(ruleID) else { return [] }
        let previous = record.state
        record.state = previous == .activeAck ? .cleared : .clearedUnack
        record.updatedAt = event.timestamp
        alerts[record.id] = record.state == .cleared ? nil : record
        return [record.event(kind: .cleared, previousState: previous, time: event.timestamp, note: event.message)]
    }

    /// The active alert of a gateway condition, if any.
    func activeCondition(_ ruleID: String) -> AlertRecord? {
        alerts.values.first { $0.ruleID == ruleID && $0.state.isActive }
    }

    /// A ticket step that passed its deadline becomes an alert on the ticket's device (its metric
    /// names the ticket), for the control room to see next to the field alerts; acknowledging it
    /// ends it. A critical ticket's overdue step is a critical alert.
    public mutating func recordTicketOverdue(
        ticketID: String, utility: Utility, site: String, device: String, step: String, deadline: EpochMillis,
        severity: Severity, at now: EpochMillis
    ) -> [AlertEvent] {
        let id = newAlertID()
        let record = AlertRecord(
            id: id, ruleID: GatewayRuleID.ticketOverdue, utility: utility, site: site, device: device,
            metric: "ticket:\(ticketID)", state: .activeUnack, severity: severity, since: now, value: nil, threshold: nil,
            risk: Risk(level: severity == .critical ? .high : .medium, category: .management), safety: false,
            ticket: false)
        alerts[id] = record
        return [record.event(
            kind: .activated, previousState: nil, time: now,
            note: "ticket \(ticketID): step \(step) passed its deadline \(RFC3339.format(deadline))")]
    }

    // MARK: helpers

    func check(actor: String) throws(RuleEngineError) {
        if actor.allSatisfy(\.isWhitespace) { throw .missingActor }
    }

    /// The current alert with this id, or why there is none.
    func current(_ id: String) throws(RuleEngineError) -> AlertRecord {
        if let record = alerts[id] { return record }
        if let number = AlertID.number(id), number < nextAlertNumber { throw .alertClosed(id: id) }
        throw .unknownAlert(id: id)
    }
}
