/// Numbers for people: up to 4 significant decimals, no trailing zeros, no exponent for usual sizes.
package enum NumberText {
    package static func format(_ value: Double) -> String {
        guard value.isFinite else { return value.isNaN ? "NaN" : (value > 0 ? "+Inf" : "-Inf") }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        let magnitude = abs(value)
        let decimals = magnitude >= 100 ? 1 : magnitude >= 1 ? 3 : 4
        let factor = pow10(decimals)
        let rounded = (value * factor).rounded() / factor
        if rounded == 0 { return JSONWriter.format(value) }
        var text = JSONWriter.format(rounded)
        if text.contains("e") { return text }
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text
    }

    /// Up to 6 decimals: for values compared with targets, where rounding to 4 significant digits
    /// could make a value that misses its target look as if it met it (a Keptn Bridge complaint).
    package static func precise(_ value: Double) -> String {
        guard value.isFinite, value != value.rounded() || abs(value) >= 1e15 else { return format(value) }
        let rounded = (value * 1e6).rounded() / 1e6
        guard rounded != 0, abs(value) < 1e15 else { return JSONWriter.format(value) }
        var text = JSONWriter.format(rounded)
        if text.contains("e") { return text }
        while text.contains("."), text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }

    static func pow10(_ exponent: Int) -> Double {
        var result = 1.0
        for _ in 0..<exponent { result *= 10 }
        return result
    }
}
