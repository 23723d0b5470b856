/// One MQTT message as the ingest path hands it to the decoders: copied out of the C library's
/// buffers, so it owns its bytes and may cross threads.
public struct InboundMessage: Sendable, Hashable {
    public var topic: String
    public var payload: [UInt8]
    public var qos: Int
    public var retain: Bool
    /// Wall-clock time of receipt, UTC epoch milliseconds.
    public var receivedAt: EpochMillis

    public init(topic: String, payload: [UInt8], qos: Int, retain: Bool, receivedAt: EpochMillis) {
        self.topic = topic
        self.payload = payload
        self.qos = qos
        self.retain = retain
        self.receivedAt = receivedAt
    }
}
