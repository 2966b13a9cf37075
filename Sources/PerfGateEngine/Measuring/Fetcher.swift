import Dispatch
import PerfGateCore

/// The one fetcher both engines measure through: PerfSpec indicators and Keptn SLIs alike. It
/// asks each query's source (concurrently, bounded), stops at the deadline, redacts what comes
/// back, and says what each query sent.
package struct Fetcher: Sendable {
    package var sources: [String: any MetricSource]
    package var concurrency: Int
    /// When measuring must be over, whatever is still running (nil: no bound).
    package var deadline: ContinuousClock.Instant?
    /// What a query still unanswered at the deadline says.
    package var deadlineMessage = "deadline exceeded: the run's deadline passed before this indicator was measured"
    /// The most values the run may have graded (nil: no bound); an answer past it is an error.
    package var valueCap: ValueCap?
    /// The run's secrets, hidden in everything a source says.
    package var redactor: Redactor

    package init(
        sources: [any MetricSource], concurrency: Int = 8, deadline: ContinuousClock.Instant? = nil, valueCap: ValueCap? = nil,
        redactor: Redactor = Redactor()
    ) {
        self.redactor = redactor
        self.sources = Dictionary(sources.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        self.concurrency = max(1, concurrency)
        self.deadline = deadline
        self.valueCap = valueCap
    }

    /// One query for one source.
    package typealias Request = (source: String, query: SourceQuery)

    /// A query's answer, and what it sent (placeholders filled, credentials left out, redacted).
    package struct Fetched: Sendable {
        package var outcome: Result<SourceAnswer, SourceError>
        package var resolved: String?
    }

    /// Every query's answer, in the order asked.
    package func fetch(_ requests: [Request], context: SourceContext) async -> [Fetched] {
        // Every query of a file announces what it will read first, so that one read of the file
        // answers them all. Only file sources plan: the others (all a service allows) skip the step.
        for request in requests {
            guard let source = sources[request.source], source.readsLocalFiles else { continue }
            source.plan(for: request.query, context: context)
        }
        let outcomes = await answers(requests, context: context)
        return zip(requests, outcomes).map { request, outcome in
            Fetched(outcome: outcome, resolved: sources[request.source]?.resolved(for: request.query, context: context).map(redactor.redact))
        }
    }

    /// Every indicator's answer, `concurrency` at a time. When the deadline passes, the answers
    /// still missing are "deadline exceeded" errors and this returns at once: a source that hangs
    /// (a server that never answers, a file that never ends) cannot hold the run.
    func answers(_ requests: [Request], context: SourceContext) async -> [Result<SourceAnswer, SourceError>] {
        let (events, continuation) = AsyncStream<(Int, Result<SourceAnswer, SourceError>)?>.makeStream()
        let sources = self.sources
        let concurrency = self.concurrency
        let work = Task {
            await withTaskGroup(of: (Int, Result<SourceAnswer, SourceError>).self) { group in
                var next = 0
                func startNext() {
                    guard next < requests.count else { return }
                    let index = next
                    let request = requests[index]
                    let source = sources[request.source]
                    next += 1
                    group.addTask {
                        guard let source else {
                            return (index, .failure(SourceError("no source named '\(request.source)' is available")))
                        }
                        do {
                            return (index, .success(try await source.answer(to: request.query, context: context)))
                        } catch let error as SourceError {
                            return (index, .failure(error))
                        } catch {
                            return (index, .failure(SourceError(String(describing: error))))
                        }
                    }
                }
                for _ in 0..<concurrency { startNext() }
                for await outcome in group {
                    continuation.yield(outcome)
                    startNext()
                }
            }
            continuation.finish()
        }
        // A dispatch timer, not a sleeping task: a cancelled Task.sleep keeps its memory until the
        // time it was to wake, which a server evaluating thousands of times a minute would pile up.
        let timer = deadline.map { deadline -> any DispatchSourceTimer in
            let timer = DispatchSource.makeTimerSource(queue: .global())
            let remaining = max(.zero, deadline - ContinuousClock.now)
            let nanoseconds = remaining.components.seconds * 1_000_000_000 + remaining.components.attoseconds / 1_000_000_000
            timer.schedule(deadline: .now() + .nanoseconds(Int(clamping: nanoseconds)))
            timer.setEventHandler { continuation.yield(nil) }
            timer.resume()
            return timer
        }
        var outcomes = [Result<SourceAnswer, SourceError>?](repeating: nil, count: requests.count)
        for await event in events {
            guard let (index, outcome) = event else { break }  // the deadline
            if let valueCap, case .success(let answer) = outcome, !valueCap.take(answer.measurements.count) {
                outcomes[index] = .failure(valueCap.error(answer.measurements.count))
                continue
            }
            outcomes[index] = Self.redacted(outcome, by: redactor)
        }
        timer?.cancel()
        work.cancel()
        let late = SourceError(deadlineMessage)
        return outcomes.map { $0 ?? .failure(late) }
    }

    /// What a source said, with every secret hidden: this is where outside text enters the result
    /// (and so every report and the history).
    static func redacted(_ outcome: Result<SourceAnswer, SourceError>, by redactor: Redactor) -> Result<SourceAnswer, SourceError> {
        guard !redactor.isEmpty else { return outcome }
        switch outcome {
        case .success(var answer):
            answer.warnings = answer.warnings.map(redactor.redact)
            for index in answer.measurements.indices { answer.measurements[index].key = redactor.redact(answer.measurements[index].key) }
            return .success(answer)
        case .failure(var error):
            error.message = redactor.redact(error.message)
            return .failure(error)
        }
    }
}
