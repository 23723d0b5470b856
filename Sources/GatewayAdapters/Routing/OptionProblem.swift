/// What is wrong with one route option (a path, a unit): a sentence for the configuration error.
struct OptionProblem: Error, Sendable {
    let message: String
    init(_ message: String) { self.message = message }
}
