/// A value bound to a statement's parameter or read from a row, in either engine.
package enum SQLValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)

    package static func optional(_ text: String?) -> SQLValue { text.map(SQLValue.text) ?? .null }

    package var text: String? {
        switch self {
        case .text(let text): return text
        case .integer(let number): return String(number)
        case .real(let number): return String(number)
        case .null: return nil
        }
    }

    package var integer: Int64? {
        switch self {
        case .integer(let number): return number
        case .real(let number): return number.isFinite ? Int64(exactly: number.rounded()) : nil
        case .text(let text): return Int64(text)
        case .null: return nil
        }
    }

    package var real: Double? {
        switch self {
        case .real(let number): return number
        case .integer(let number): return Double(number)
        case .text(let text): return Double(text)
        case .null: return nil
        }
    }
}
