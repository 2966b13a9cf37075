import ArgumentParser
import PerfGateCI
import PerfGateCore
import PerfGateSources

/// The pictures: curves over the window, trends from the history, charts in the CI's summary.
struct ChartOptions: ParsableArguments {
    @Flag(
        name: .long,
        help: ArgumentHelp(
            "After grading, ask each indicator's source that has range queries (\(SourceRegistry.seriesSources.joined(separator: ", "))) for its metric over the window and draw its curve in the HTML report. Never changes the result."
        )
    )
    var series = false

    @Option(name: .long, help: ArgumentHelp("The most the range queries of --series may take together, within --deadline.", valueName: "seconds"))
    var seriesTimeout: Double = 10

    @Option(name: .long, help: ArgumentHelp("How many earlier runs of the history the trend charts show.", valueName: "count"))
    var trendRuns: Int = 20

    @Option(
        name: .long,
        help: "Mermaid trend charts in the Markdown summary: auto (where the summary renders them: GitHub's job summary), mermaid, or none.")
    var summaryCharts: SummaryCharts = .auto

    enum SummaryCharts: String, ExpressibleByArgument, CaseIterable {
        case auto, mermaid, none
    }

    func check() throws {
        guard seriesTimeout > 0, seriesTimeout.isFinite else { throw ValidationError("--series-timeout must be a positive number of seconds") }
        guard (1...1000).contains(trendRuns) else { throw ValidationError("--trend-runs must be from 1 to 1000") }
    }

    /// What the engine asks for: the series' timeout, when curves are wanted.
    var seriesTimeoutIfWanted: Double? { series ? seriesTimeout : nil }

    /// Whether the summary draws Mermaid charts on this platform.
    func summaryCharts(on platform: any CIPlatform) -> Bool {
        switch summaryCharts {
        case .auto: return platform.rendersMermaid
        case .mermaid: return true
        case .none: return false
        }
    }
}
