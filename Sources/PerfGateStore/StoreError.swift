/// Why the store could not do something: what failed, on which store, and what to do.
package struct StoreError: Error, Sendable, CustomStringConvertible {
    package var message: String
    /// The store could not be reached or written at all (a lost connection, a full disk), as
    /// opposed to a request it refuses (no such run).
    package var unavailable: Bool

    package init(_ message: String, unavailable: Bool = true) {
        self.message = message
        self.unavailable = unavailable
    }

    package var description: String { message }
}
