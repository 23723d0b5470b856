import CMosquitto

/// The C callbacks of the ingest client: plain functions that capture nothing and find their
/// `IngestConnection` through the userdata pointer.
///
/// They are nonisolated free functions on purpose (DESIGN §3): a closure formed in a `@MainActor` context
/// crashes with SIGILL when libmosquitto calls it. All of them run on the ingest loop thread, inside our
/// own `mosquitto_loop_*` calls.
enum IngestCallbacks {
    static func install(on handle: OpaquePointer) {
        mosquitto_connect_v5_callback_set(handle, ingestOnConnect)
        mosquitto_disconnect_v5_callback_set(handle, ingestOnDisconnect)
        mosquitto_message_v5_callback_set(handle, ingestOnMessage)
        mosquitto_subscribe_v5_callback_set(handle, ingestOnSubscribe)
        mosquitto_publish_v5_callback_set(handle, ingestOnPublish)
    }

    static func connection(_ userdata: UnsafeMutableRawPointer?) -> IngestConnection? {
        guard let userdata else { return nil }
        return Unmanaged<IngestConnection>.fromOpaque(userdata).takeUnretainedValue()
    }
}

private func ingestOnConnect(
    _ handle: OpaquePointer?, _ userdata: UnsafeMutableRawPointer?, _ reasonCode: Int32, _ flags: Int32,
    _ properties: OpaquePointer?
) {
    IngestCallbacks.connection(userdata)?.didConnect(reasonCode: reasonCode, flags: flags)
}

private func ingestOnDisconnect(
    _ handle: OpaquePointer?, _ userdata: UnsafeMutableRawPointer?, _ reasonCode: Int32, _ properties: OpaquePointer?
) {
    IngestCallbacks.connection(userdata)?.didDisconnect(code: reasonCode)
}

private func ingestOnMessage(
    _ handle: OpaquePointer?, _ userdata: UnsafeMutableRawPointer?, _ message: UnsafePointer<mosquitto_message>?,
    _ properties: OpaquePointer?
) {
    guard let message else { return }
    IngestCallbacks.connection(userdata)?.didReceive(message)
}

private func ingestOnSubscribe(
    _ handle: OpaquePointer?, _ userdata: UnsafeMutableRawPointer?, _ mid: Int32, _ count: Int32,
    _ granted: UnsafePointer<Int32>?, _ properties: OpaquePointer?
) {
    let codes = granted.map { Array(UnsafeBufferPointer(start: $0, count: Int(max(count, 0)))) } ?? []
    IngestCallbacks.connection(userdata)?.didSubscribe(mid: mid, granted: codes)
}

private func ingestOnPublish(
    _ handle: OpaquePointer?, _ userdata: UnsafeMutableRawPointer?, _ mid: Int32, _ reasonCode: Int32,
    _ properties: OpaquePointer?
) {
    IngestCallbacks.connection(userdata)?.didPublish(mid: mid)
}
