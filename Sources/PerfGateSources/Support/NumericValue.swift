import PerfGateCore

/// Reads a measured value the lenient way sources need: numbers, numeric strings ("0.000123",
/// "NaN", "+Inf", as Prometheus writes them) and null. nil means a missing value.
enum NumericValue {
    static func parse(_ node: Node) throws(SourceError) -> Double? {
        switch node.value {
        case .number(let number): return number.isNaN ? nil : number
        case .null: return nil
        case .string(let text):
            let trimmed = text.trimmingSpaces()
            if trimmed.isEmpty { return nil }
            switch trimmed.lowercased() {
            case "nan", "n/a", "null": return nil
            case "+inf", "inf", "infinity", "+infinity": return .infinity
            case "-inf", "-infinity": return -.infinity
            default: break
            }
            guard let number = Double(trimmed) else { throw SourceError("value \(Excerpt.quoted(text)) is not a number") }
            return number
        default:
            throw SourceError("a value must be a number, found \(node.typeName)")
        }
    }
}
