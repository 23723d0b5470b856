/// The rule engine's reserved rule ids for alerts it raises itself.
public enum GatewayRuleID {
    /// The MQTT session came back without our queued messages (`GatewayEvent.Kind.possibleDataGap`).
    public static let possibleDataGap = "gateway.possible_data_gap"
    /// Too many new alerts at one site (flood control).
    public static let flood = "gateway.flood"
    /// A service ticket's step passed its deadline (issue 5: "a step past its deadline raises a
    /// `ticket.overdue` alert"); the alert's metric names the ticket (`ticket:T3`).
    public static let ticketOverdue = "ticket.overdue"

    /// The store file was damaged and replaced by a fresh one (`GatewayEvent.Kind.storeRecovered`).
    public static let storeRecovered = "gateway.store_recovered"

    /// The database reached 80 % of `buffer.max_bytes` (issue 6); clears below it.
    public static let bufferHighWater = "buffer.high_water"
    /// The buffer policy is dropping the oldest readings; clears after a pass that drops none.
    public static let bufferDropping = "buffer.dropping"

    /// The file system under the store is full; clears when it has room again.
    public static let storeDiskFull = "store.disk_full"

    /// The gateway has received nothing from the local broker for `alerting.broker_link_down_after`
    /// (default 30 s); clears when it is connected again. While the link is down the devices'
    /// `no_data` alerts are held: one alert for the cause, not one per silent device.
    public static let brokerLinkDown = "broker.link_down"

    /// The gateway's own conditions: raised and cleared by gateway events, not by readings.
    public static let conditions: Set<String> = [bufferHighWater, bufferDropping, storeDiskFull, brokerLinkDown]

    /// Whether the engine itself owns alerts of this rule id (no configured rule: a restore under a
    /// new configuration never closes them as `rule_removed`).
    public static func isEngineOwned(_ ruleID: String) -> Bool {
        ruleID.hasPrefix("gateway.") || endedByAcknowledgement.contains(ruleID) || conditions.contains(ruleID)
    }

    /// Alerts that report an event rather than a condition: nothing returns them to normal, so an
    /// operator's acknowledgement ends them.
    public static let endedByAcknowledgement: Set<String> = [possibleDataGap, ticketOverdue, storeRecovered]
}
