import Glibc

/// The Mann-Whitney (Wilcoxon rank-sum) confidence interval and location estimate for the shift
/// canary − baseline, as Kayenta's NetflixACAJudge computes them: the normal approximation of R's
/// `wilcox.test(exact = FALSE, correct = TRUE)` at every sample size (not R's exact interval for
/// small samples), tie-corrected and continuity-corrected, its bounds found by Brent's zeroin
/// (tolerance 1e-4); the estimate is the root of the corrected statistic (R's is uncorrected).
///
/// ```
/// W(d)  = (dz − ½·sign(dz)) / σ
/// dz    = Σ ranks of (x − d) among (x − d, y) − nx(nx+1)/2 − nx·ny/2        (average ranks for ties)
/// σ     = sqrt(nx·ny/12 · ((nx+ny+1) − Σ(t³−t) / ((nx+ny)(nx+ny−1))))       (t: each tie group's size)
/// lower = root of W(d) − z in [min x − max y, max x − min y], z = Φ⁻¹(1 − α/2); upper with −z
/// ```
/// A bound whose search interval does not bracket its root is the interval's end (R's shortcut).
package struct MannWhitney: Sendable {
    /// The canary (x) and the baseline (y), each sorted ascending.
    let x: [Double]
    let y: [Double]

    package init(canary: [Double], baseline: [Double]) {
        self.init(sortedCanary: canary.sorted(), sortedBaseline: baseline.sorted())
    }

    /// Samples already sorted ascending, which the judge has.
    package init(sortedCanary: [Double], sortedBaseline: [Double]) {
        x = sortedCanary
        y = sortedBaseline
    }

    package struct Interval: Sendable, Equatable {
        package var lower: Double
        package var upper: Double
        /// Kayenta's location estimate: the root of the continuity-corrected statistic.
        package var estimate: Double

        package init(lower: Double, upper: Double, estimate: Double) {
            self.lower = lower
            self.upper = upper
            self.estimate = estimate
        }
    }

    /// Why no interval exists.
    package enum Failure: Error, Sendable, Equatable {
        /// Every observation is tied (σ is 0).
        case allTied
        /// The shifts to search are not finite numbers (the samples are too far apart for a Double).
        case overflow
        /// `shouldStop` said so (a deadline, a cancelled task).
        case stopped
    }

    /// The interval at `confidence` (Kayenta's judge: 0.98) and the estimate. `shouldStop` is
    /// asked before each evaluation of the statistic (each is one pass over both samples).
    package func interval(confidence: Double = 0.98, shouldStop: () -> Bool = { false }) throws(Failure) -> Interval {
        let alpha = 1.0 - confidence
        let low = x[0] - y[y.count - 1]
        let high = x[x.count - 1] - y[0]
        // Past ±Double.greatestFiniteMagnitude the shifts are ±Inf, then NaN, and no search ends well.
        guard low.isFinite, high.isFinite else { throw .overflow }
        if shouldStop() { throw .stopped }
        let atLow = try standardized(low), atHigh = try standardized(high)
        var failure: Failure?
        func w(_ d: Double) -> Double {
            // After a failure the search still runs out its (bounded) steps, each at no cost.
            if failure != nil { return 0 }
            if !d.isFinite {
                failure = .overflow
                return 0
            }
            if shouldStop() {
                failure = .stopped
                return 0
            }
            do throws(Failure) { return try standardized(d) } catch {
                failure = error
                return 0
            }
        }
        func root(_ z: Double) -> Double {
            if atLow - z <= 0 { return low }
            if atHigh - z >= 0 { return high }
            return Zeroin.root(of: { w($0) - z }, from: low, to: high, valueAtFrom: atLow - z, valueAtTo: atHigh - z)
        }
        let z = NormalQuantile.value(1 - alpha / 2)
        let lower = root(z), upper = root(-z)
        let estimate = Zeroin.root(of: w, from: low, to: high, valueAtFrom: atLow, valueAtTo: atHigh)
        if let failure { throw failure }
        return Interval(lower: lower, upper: upper, estimate: estimate)
    }

    /// W(d), continuity-corrected unless `corrected` is false.
    package func standardized(_ d: Double, corrected: Bool = true) throws(Failure) -> Double {
        let (rankSum, ties) = ranks(shift: d)
        let nx = Double(x.count), ny = Double(y.count)
        // The same operations in the same order as R (and the reference cases), so roots agree to the bit.
        let dz = rankSum - nx * (nx + 1) / 2.0 - nx * ny / 2.0
        let sigma = ((nx * ny / 12.0) * ((nx + ny + 1) - ties / ((nx + ny) * (nx + ny - 1)))).squareRoot()
        guard sigma > 0 else { throw .allTied }
        let correction = corrected ? 0.5 * (dz > 0 ? 1.0 : dz < 0 ? -1.0 : 0.0) : 0
        return (dz - correction) / sigma
    }

    /// The sum of the average ranks of x − d in the pooled sample, and Σ(t³ − t) over its tie
    /// groups: one merge of the two sorted samples, O(nx + ny). Values are compared as computed
    /// (x − d), as a sort of the pooled vector would.
    func ranks(shift d: Double) -> (rankSum: Double, ties: Double) {
        var rankSum = 0.0, ties = 0.0
        var i = 0, j = 0, position = 0
        while i < x.count || j < y.count {
            let next = i < x.count ? (j < y.count ? min(x[i] - d, y[j]) : x[i] - d) : y[j]
            var fromX = 0, fromY = 0
            while i < x.count, x[i] - d == next { fromX += 1; i += 1 }
            while j < y.count, y[j] == next { fromY += 1; j += 1 }
            let size = fromX + fromY
            // A NaN shift equals nothing: stop rather than loop without advancing (callers pass
            // finite shifts, so this only bounds the loop).
            if size == 0 { break }
            // Ranks position+1 … position+size share their average.
            let average = Double(position) + Double(size + 1) / 2
            rankSum += Double(fromX) * average
            let t = Double(size)
            ties += t * t * t - t
            position += size
        }
        return (rankSum, ties)
    }
}

/// Brent's root finder in the form of the classic `zeroin` (Brent 1973), which R's `uniroot` and
/// Kayenta's BrentSolver use: tolerance 1e-4, at most 1,000 iterations.
package enum Zeroin {
    package static func root(
        of f: (Double) -> Double, from ax: Double, to bx: Double, valueAtFrom: Double, valueAtTo: Double,
        tolerance: Double = 1e-4, maxIterations: Int = 1000
    ) -> Double {
        var a = ax, b = bx, c = ax
        var fa = valueAtFrom, fb = valueAtTo, fc = valueAtFrom
        if fa == 0 { return a }
        if fb == 0 { return b }
        for _ in 0...maxIterations {
            let previousStep = b - a
            if abs(fc) < abs(fb) {
                (a, b, c) = (b, c, b)
                (fa, fb, fc) = (fb, fc, fb)
            }
            let tolerance = 2.0 * Double.ulpOfOne * abs(b) + tolerance / 2.0
            var step = (c - b) / 2.0
            if abs(step) <= tolerance || fb == 0 { return b }
            if abs(previousStep) >= tolerance && abs(fa) > abs(fb) {
                // Interpolation: secant when two points, inverse quadratic when three.
                let cb = c - b
                var p: Double, q: Double
                if a == c {
                    let t1 = fb / fa
                    p = cb * t1
                    q = 1.0 - t1
                } else {
                    q = fa / fc
                    let t1 = fb / fc, t2 = fb / fa
                    p = t2 * (cb * q * (q - t1) - (b - a) * (t1 - 1.0))
                    q = (q - 1.0) * (t1 - 1.0) * (t2 - 1.0)
                }
                if p > 0 { q = -q } else { p = -p }
                if p < (0.75 * cb * q - abs(tolerance * q) / 2.0) && p < abs(previousStep * q / 2.0) { step = p / q }
            }
            if abs(step) < tolerance { step = step > 0 ? tolerance : -tolerance }
            a = b
            fa = fb
            b += step
            fb = f(b)
            if (fb > 0 && fc > 0) || (fb < 0 && fc < 0) {
                c = a
                fc = fa
            }
        }
        return b
    }
}

/// Φ⁻¹(p), the standard normal quantile: Wichura's algorithm AS 241 (PPND16), accurate to about
/// 1e-16 relative.
package enum NormalQuantile {
    package static func value(_ p: Double) -> Double {
        let q = p - 0.5
        if abs(q) <= 0.425 {
            let r = 0.180625 - q * q
            return q
                * (((((((2509.0809287301226727 * r + 33430.575583588128105) * r + 67265.770927008700853) * r
                    + 45921.953931549871457) * r + 13731.693765509461125) * r + 1971.5909503065514427) * r + 133.14166789178437745) * r
                    + 3.387132872796366608)
                / (((((((5226.495278852545925 * r + 28729.085735721942674) * r + 39307.89580009271061) * r
                    + 21213.794301586595867) * r + 5394.1960214247511077) * r + 687.1870074920579083) * r + 42.313330701600911252) * r + 1.0)
        }
        var r = q < 0 ? p : 1 - p
        guard r > 0 else { return q < 0 ? -.infinity : .infinity }
        r = (-log(r)).squareRoot()
        var value: Double
        if r <= 5 {
            r -= 1.6
            value =
                (((((((7.7454501427834140764e-4 * r + 0.0227238449892691845833) * r + 0.24178072517745061177) * r
                    + 1.27045825245236838258) * r + 3.64784832476320460504) * r + 5.7694972214606914055) * r + 4.6303378461565452959) * r
                    + 1.42343711074968357734)
                / (((((((1.05075007164441684324e-9 * r + 5.475938084995344946e-4) * r + 0.0151986665636164571966) * r
                    + 0.14810397642748007459) * r + 0.68976733498510000455) * r + 1.6763848301838038494) * r + 2.05319162663775882187) * r + 1.0)
        } else {
            r -= 5
            value =
                (((((((2.01033439929228813265e-7 * r + 2.71155556874348757815e-5) * r + 0.0012426609473880784386) * r
                    + 0.026532189526576123093) * r + 0.29656057182850489123) * r + 1.7848265399172913358) * r + 5.4637849111641143699) * r
                    + 6.6579046435011037772)
                / (((((((2.04426310338993978564e-15 * r + 1.4215117583164458887e-7) * r + 1.8463183175100546818e-5) * r
                    + 7.868691311456132591e-4) * r + 0.0148753612908506148525) * r + 0.13692988092273580531) * r + 0.59983220655588793769) * r + 1.0)
        }
        return q < 0 ? -value : value
    }
}
