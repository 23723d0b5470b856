import Foundation
import GatewayConfig
import Testing

/// `password_credential` / `token_credential`: secrets named by their systemd credential name and
/// found in `$CREDENTIALS_DIRECTORY` (issue 8, item 1).
@Suite("systemd credentials")
struct CredentialTests {
    func yaml(broker: String = "", api: String = "") -> String {
        """
        gateway:
          id: site-01
        broker:
          url: mqtt://127.0.0.1:1883
          username: gateway
        \(broker)
        api:
          listen: 127.0.0.1:8480
        \(api)
        routes:
          - { topic: a/b, utility: water, site: s, device: d, metrics: [{ name: flow, path: f, unit: L/s }] }
        """
    }

    func load(_ text: String, credentials: String?, checkFiles: Bool = true) throws(ConfigurationError) -> LoadedConfiguration {
        try ConfigurationLoader.load(
            yaml: text, file: configFile,
            options: .init(checkFiles: checkFiles, formats: ["json"], credentialsDirectory: credentials))
    }

    func problems(_ text: String, credentials: String?) -> [ConfigurationProblem] {
        do {
            _ = try load(text, credentials: credentials)
            return []
        } catch {
            return error.problems
        }
    }

    @Test func credentialsResolveInTheCredentialsDirectory() throws {
        let scratch = try Scratch()
        try scratch.write("creds/broker-password", "secret\n")
        try scratch.write("creds/api-tokens", "operator-1 0123456789abcdef0123456789abcdef\n")
        let loaded = try load(
            yaml(broker: "  password_credential: broker-password", api: "  token_credential: api-tokens"),
            credentials: scratch.directory + "/creds")
        #expect(loaded.configuration.broker.passwordFile == scratch.directory + "/creds/broker-password")
        #expect(loaded.configuration.api.tokenFile == scratch.directory + "/creds/api-tokens")
    }

    @Test func theUplinkPasswordIsACredentialToo() throws {
        let scratch = try Scratch()
        try scratch.write("creds/uplink-password", "secret\n")
        let uplink = """
            uplink:
              url: mqtt://127.0.0.1:18830
              username: site-01
              password_credential: uplink-password
              topic_prefix: utilities/gateways/site-01
            """
        let loaded = try load(yaml() + "\n" + uplink, credentials: scratch.directory + "/creds")
        #expect(loaded.configuration.uplink?.passwordFile == scratch.directory + "/creds/uplink-password")
    }

    @Test func aMissingCredentialSaysWhereToPutIt() throws {
        let scratch = try Scratch()
        let found = problems(yaml(broker: "  password_credential: broker-password"), credentials: scratch.directory)
        #expect(found.count == 1)
        #expect(found.first?.keyPath == "broker.password_credential")
        #expect(found.first?.message.contains("/etc/credstore/broker-password") == true, "\(found)")
    }

    @Test func withoutACredentialsDirectoryTheDaemonIsToldWhyAndTheCLIIsNot() throws {
        let text = yaml(broker: "  password_credential: broker-password")
        let found = problems(text, credentials: nil)
        #expect(found.count == 1)
        #expect(found.first?.message.contains("$CREDENTIALS_DIRECTORY") == true, "\(found)")
        #expect(found.first?.message.contains("LoadCredential=broker-password") == true, "\(found)")
        // utility-gatewayctl loads without checking files: no problem, and no password file.
        let loaded = try load(text, credentials: nil, checkFiles: false)
        #expect(loaded.configuration.broker.passwordFile == nil)
    }

    @Test func aFileAndACredentialForTheSameSecretAreRefused() throws {
        let scratch = try Scratch()
        let file = try scratch.write("password", "secret\n")
        try scratch.write("broker-password", "secret\n")
        let found = problems(
            yaml(broker: "  password_file: \(file)\n  password_credential: broker-password"), credentials: scratch.directory)
        #expect(found.map(\.keyPath) == ["broker.password_credential"], "\(found)")
    }

    @Test(arguments: ["../etc/shadow", "a/b", ".."])
    func aCredentialNameIsAFileName(name: String) throws {
        let scratch = try Scratch()
        let found = problems(yaml(broker: "  password_credential: \"\(name)\""), credentials: scratch.directory)
        #expect(found.count == 1)
        #expect(found.first?.message.contains("credential name") == true, "\(found)")
    }
}
