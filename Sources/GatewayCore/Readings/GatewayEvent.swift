/// Something the gateway noticed about itself that operators and later the rules engine must see,
/// such as a possible data gap after the broker lost our persistent session.
public struct GatewayEvent: Sendable, Hashable {
    /// Stable codes; never rename one once shipped.
    public enum Kind: String, Sendable, Hashable, Codable {
        /// A persistent session came back with session-present = 0: the broker did not keep what was
        /// queued for us while we were away, so messages may have been lost upstream of the gateway.
        case possibleDataGap = "possible_data_gap"
        /// The first connection of a new store created the broker session.
        case sessionCreated = "session_created"
        /// SQLite reported the store file damaged; it was moved aside and a fresh store (a new
        /// generation) started. What the old file held is not in the live store.
        case storeRecovered = "store_recovered"
        /// The database reached the buffer's high-water mark (80 % of `buffer.max_bytes`).
        case bufferHighWater = "buffer_high_water"
        /// The database is below the high-water mark again.
        case bufferBelowHighWater = "buffer_below_high_water"
        /// The buffer policy started dropping the oldest readings to stay under `buffer.max_bytes`.
        case bufferDropping = "buffer_dropping"
        /// A pass of the buffer policy dropped nothing.
        case bufferStoppedDropping = "buffer_stopped_dropping"
        /// The file system under the store is full: commits fail, acknowledgements are withheld.
        case diskFull = "disk_full"
        /// The file system has room again.
        case diskSpaceReturned = "disk_space_returned"
        /// The gateway stopped receiving from the local broker: an established connection was lost,
        /// ingest was paused (`buffer.when_full: pause_ingest`), or the first connection failed.
        /// No device's silence means anything until it returns: `no_data` is held.
        case brokerLinkDown = "broker_link_down"
        /// Connected to the local broker again (after `broker_link_down`).
        case brokerLinkUp = "broker_link_up"
    }

    public var timestamp: EpochMillis
    public var kind: Kind
    /// A human sentence with the details (broker, client id, …).
    public var message: String

    public init(timestamp: EpochMillis, kind: Kind, message: String) {
        self.timestamp = timestamp
        self.kind = kind
        self.message = message
    }
}
