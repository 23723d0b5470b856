import ArgumentParser
import Foundation
import GatewayQuery

/// `status`: the running daemon's state, through its API (`GET /api/v1/status`).
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the running gateway's state: connections, rates, routes and store.",
        discussion: """
            Asks the daemon's API. Without --config or --api it tries http://127.0.0.1:8480. \
            Exit status 0 when the gateway is ready, 3 when it answers but is not ready, 1 when it cannot be reached.
            """)

    @OptionGroup var api: APIOptions
    @OptionGroup var output: FormatOption

    func run() async throws {
        let client = APIClient(baseURL: try api.baseURL(), token: try api.token(), caFile: api.caFile)
        let data = try await client.get("/api/v1/status")
        let status: GatewayStatus
        do {
            status = try JSONDecoder().decode(GatewayStatus.self, from: data)
        } catch {
            throw CtlFailure("the API at \(client.baseURL) sent a status this utility-gatewayctl cannot read: \(error)")
        }
        print(StatusRenderer.render(status, format: output.format), terminator: "")
        if !status.ready { throw ExitCode(3) }
    }
}
