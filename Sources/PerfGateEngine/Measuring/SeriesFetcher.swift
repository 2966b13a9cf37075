import PerfGateCore

/// `--series`: after grading, asks each indicator's source for the metric over the window (a
/// range query) to draw. It runs through the same Fetcher (bounded, redacted), under its own
/// timeout that ends no later than the run's deadline; whatever happens, only `series` and
/// `seriesNote` change, never a grade.
package struct SeriesFetcher: Sendable {
    package var sources: [any MetricSource]
    package var concurrency: Int
    /// Seconds the range queries may take together.
    package var timeout: Double
    /// The run's deadline, which the timeout never passes.
    package var deadline: ContinuousClock.Instant?
    package var redactor: Redactor

    package init(
        sources: [any MetricSource], concurrency: Int, timeout: Double, deadline: ContinuousClock.Instant?, redactor: Redactor = Redactor()
    ) {
        self.redactor = redactor
        self.sources = sources
        self.concurrency = concurrency
        self.timeout = timeout
        self.deadline = deadline
    }

    /// One indicator's query: its position in the result, its source and the query as measured.
    package typealias Request = (index: Int, source: String, query: SourceQuery)

    /// Adds the curves (or the reason there is none) to the result's indicators.
    package func attach(_ requests: [Request], to result: inout EvaluationResult, context: SourceContext) async {
        guard let window = context.window else {
            for request in requests { result.indicatorResults[request.index].seriesNote = "no curve: the run has no window (give --start)" }
            return
        }
        let step = SeriesLine.step(for: window)
        let adapters = sources.compactMap { $0 as? any SeriesSource }.map { SeriesAdapter(base: $0, step: step) }
        let drawable = requests.filter { request in
            guard result.indicatorResults[request.index].error == nil else { return false }
            guard adapters.contains(where: { $0.name == request.source }) else {
                result.indicatorResults[request.index].seriesNote = "no curve: the \(request.source) source has no range query"
                return false
            }
            return true
        }
        guard !drawable.isEmpty else { return }
        let own = ContinuousClock.now + .milliseconds(CheckedNumber.clamped(timeout * 1000, to: 1...86_400_000))
        var fetcher = Fetcher(sources: adapters, concurrency: concurrency, deadline: deadline.map { min($0, own) } ?? own, redactor: redactor)
        fetcher.deadlineMessage = "the range query did not finish within its \(NumberText.format(timeout)) s (--series-timeout) or the run's deadline"
        let fetched = await fetcher.fetch(drawable.map { ($0.source, $0.query) }, context: context)
        for (request, answer) in zip(drawable, fetched) {
            switch answer.outcome {
            case .success(let answer):
                let lines = SeriesLine.lines(answer.measurements)
                result.indicatorResults[request.index].series = Array(lines.prefix(SeriesLine.maxLines))
                if lines.isEmpty {
                    result.indicatorResults[request.index].seriesNote = "no curve: the range query returned no points"
                } else if lines.count > SeriesLine.maxLines {
                    result.indicatorResults[request.index].seriesNote = "\(lines.count - SeriesLine.maxLines) more series are not drawn"
                }
            case .failure(let error):
                result.indicatorResults[request.index].seriesNote = "no curve: \(error.message)"
            }
        }
    }
}

/// A series source seen as a plain source whose answer is the curve's points, so the one
/// Fetcher fetches both.
struct SeriesAdapter: MetricSource {
    let base: any SeriesSource
    let step: Double
    var name: String { base.name }

    /// Its queries are the base source's, as the spec loaded them.
    func parse(_ query: Node, at path: SpecPath, context: ValidationContext) -> ParsedQuery<SourceQuery> {
        base.parse(erasing: query, at: path, context: context)
    }

    func answer(_ query: SourceQuery, context: SourceContext) async throws -> SourceAnswer {
        SourceAnswer(try await base.series(for: query, context: context, step: step))
    }
}
