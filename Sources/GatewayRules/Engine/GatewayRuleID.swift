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

    /// Alerts that report an event rather than a condition: nothing returns them to normal, so an
    /// operator's acknowledgement ends them.
    public static let endedByAcknowledgement: Set<String> = [possibleDataGap, ticketOverdue, storeRecovered]
}
