import GatewayCore

/// Receives what the ingest client reads: whole batches of messages, and connection changes.
///
/// The contract is what makes "nothing acknowledged is lost" hold (DESIGN §2): `handle(_:)` is called on
/// the client's loop thread, once per batch; when it returns, the messages must be durable, because the
/// client then writes their PUBACKs. When it throws, none of that batch's PUBACKs are written: the client
/// drops the TCP connection without flushing, backs off and reconnects, and the broker redelivers the
/// batch's QoS 1/2 messages from the persistent session (expect duplicates; QoS 0 messages of a failed
/// batch are gone, as QoS 0 allows).
public protocol MQTTBatchHandler: AnyObject, Sendable {
    /// Stores a batch. Return only when it is durable; throw to have it redelivered.
    func handle(_ batch: [InboundMessage]) throws
    /// Connection state changes, called on the loop thread. Must not block for long.
    func connectionChanged(_ event: MQTTConnectionEvent)
    /// Housekeeping that must not delay acknowledgements (the store's merges): called on the loop
    /// thread right after a batch's PUBACKs were written, and about once a second while the
    /// connection is idle.
    func maintenance()
}

extension MQTTBatchHandler {
    /// No housekeeping by default.
    public func maintenance() {}
}

/// A change in the ingest client's connection, reported to `MQTTBatchHandler.connectionChanged(_:)`.
///
/// `connected(sessionPresent: false)` on a persistent session after the first connect means the broker
/// lost our session (and may have dropped messages queued for us): raise a "possible data gap" alert
/// (DESIGN §2).
public enum MQTTConnectionEvent: Sendable, Hashable {
    /// The broker accepted the connection; `sessionPresent` is the CONNACK flag.
    case connected(sessionPresent: Bool)
    /// The broker granted a subscription (SUBACK), with the QoS it granted.
    case subscribed(filter: String, grantedQoS: Int)
    /// The broker refused a subscription: SUBACK reason code 0x80 or above (for example not authorised,
    /// or shared subscriptions not supported).
    case subscriptionRefused(filter: String, reasonCode: Int)
    /// The connection ended; the client will reconnect unless it is stopping.
    case disconnected(reason: String)
}
