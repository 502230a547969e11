/// A project folder (e.g. `Schemas`) could not be found by ``ShopLookPaths``.
public struct ResourceLookupError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The folder that was looked for.
    public let name: String
    /// Every directory checked, in search order.
    public let searched: [String]
    /// Whether `SHOPLOOK_HOME` was set during the search.
    public let homeVariableSet: Bool

    /// Creates the error.
    public init(name: String, searched: [String], homeVariableSet: Bool) {
        self.name = name
        self.searched = searched
        self.homeVariableSet = homeVariableSet
    }

    /// A sentence a person can act on.
    public var description: String {
        let variable = ShopLookPaths.homeEnvironmentVariable
        let hint = homeVariableSet
            ? "\(variable) is set but its \(name)/ folder does not exist; point \(variable) at the project root that contains \(name)/"
            : "set \(variable) to the project root that contains \(name)/"
        return "cannot find the ShopLook \"\(name)\" directory; searched:\n"
            + searched.map { "  - \($0)" }.joined(separator: "\n")
            + "\n\(hint)"
    }
}
