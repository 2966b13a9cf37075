/// One Keptn SLO criterion: `<600`, `<=+10%`, `>=-5%`, `=+1`.
///
/// ```
/// criterion = operator [ sign ] number [ "%" ]      ; whitespace anywhere is ignored
/// operator  = "<=" | "<" | "=" | ">=" | ">"
/// sign      = "+" | "-"                              ; a sign, or a "%", makes it relative
/// ```
/// A relative criterion compares with the aggregate A of earlier values: `+p%` is A·(100+p)/100,
/// `-p%` is A·(100−p)/100, `+d` is A+d, `-d` is A−d; a `%` without a sign means `+`.
package struct Criterion: Sendable, Equatable {
    package enum Operator: String, Sendable, CaseIterable {
        case lessOrEqual = "<=", less = "<", equal = "=", greaterOrEqual = ">=", greater = ">"
    }

    package var text: String
    package var op: Operator
    package var value: Double
    package var isPercent: Bool
    package var isRelative: Bool
    package var isIncrease: Bool

    /// Parses as lighthouse does; nil for an invalid criterion.
    package init?(_ text: String) {
        self.text = text
        var rest = Substring(String(text.unicodeScalars.filter { !$0.properties.isWhitespace }))
        // Operators in lighthouse's order: the first prefix that matches wins.
        guard let op = [Operator.lessOrEqual, .less, .equal, .greaterOrEqual, .greater].first(where: { rest.hasPrefix($0.rawValue) }) else {
            return nil
        }
        self.op = op
        rest = rest.dropFirst(op.rawValue.count)
        var relative = false
        var increase = true
        if rest.first == "+" || rest.first == "-" {
            relative = true
            increase = rest.first == "+"
            rest = rest.dropFirst()
        }
        let percent = rest.last == "%"
        if percent {
            relative = true
            rest = rest.dropLast()
        }
        guard !rest.isEmpty, rest.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }), let number = Double(rest) else { return nil }
        value = number
        isPercent = percent
        isRelative = relative
        isIncrease = relative ? increase : false
    }

    /// The value this criterion compares with: its own for an absolute one; for a relative one,
    /// derived from the aggregate of earlier values, or nil when there is none (the criterion is then met).
    package func target(aggregate: Double?) -> Double? {
        guard isRelative else { return value }
        guard let aggregate else { return nil }
        if isPercent { return aggregate * (100 + (isIncrease ? value : -value)) / 100 }
        return isIncrease ? aggregate + value : aggregate - value
    }

    /// Whether `measured` meets the criterion against `target`.
    package func isMet(_ measured: Double, target: Double) -> Bool {
        switch op {
        case .less: return measured < target
        case .lessOrEqual: return measured <= target
        case .equal: return measured == target
        case .greaterOrEqual: return measured >= target
        case .greater: return measured > target
        }
    }
}

/// How earlier values are folded into one for relative criteria: `avg`, `p50`, `p90`, `p95`.
package enum SLOAggregate {
    /// nil when there are no values (relative criteria are then met).
    package static func value(_ values: [Double], function: SLOSpec.AggregateFunction) -> Double? {
        guard !values.isEmpty else { return nil }
        switch function {
        case .avg: return values.reduce(0, +) / Double(values.count)
        case .p50: return percentile(values, 0.5)
        case .p90: return percentile(values, 0.9)
        case .p95: return percentile(values, 0.95)
        }
    }

    /// Lighthouse's percentile: position p·(n+1); below 1 the minimum, from n the maximum, else interpolated.
    package static func percentile(_ values: [Double], _ p: Double) -> Double {
        let sorted = values.sorted()
        let position = p * Double(sorted.count + 1)
        if position < 1 { return sorted[0] }
        if position >= Double(sorted.count) { return sorted[sorted.count - 1] }
        let lower = Int(position.rounded(.down))
        return sorted[lower - 1] + (position - Double(lower)) * (sorted[lower] - sorted[lower - 1])
    }
}
