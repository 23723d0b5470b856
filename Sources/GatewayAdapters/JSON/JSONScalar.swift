extension FieldValue {
    /// Reads a value of `JSONReader`'s tree: booleans stay booleans (never 1 or 0 unless the route
    /// asks for it), objects, arrays and `null` are structure.
    init(json value: JSONValue) {
        switch value {
        case .number(let number): self = .number(number)
        case .bool(let bool): self = .bool(bool)
        case .string(let string): self = .string(string)
        case .object, .array, .null: self = .structure
        }
    }
}
