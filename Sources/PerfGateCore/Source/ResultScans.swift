import Synchronization

/// The scans of result files made during one evaluation, shared by its indicators: N indicators
/// over one file read and parse it once. Before measuring, the fetcher lets each source `plan`
/// its query, which announces what it will ask of which file; the first indicator to measure then
/// starts one scan that answers every question announced for that file, and the others wait for
/// it. A question that was not announced (an indicator measured on its own) gets a scan of its
/// own, which later askers of the same question share.
///
/// What a scan keeps is the source's summary (histograms, sums, bounded samples), never the file,
/// so memory stays bounded for files larger than RAM; the cache lives as long as the evaluation's
/// `SourceContext`, and holds at most `limit` scans.
package final class ResultScans: Sendable {
    private let state = Mutex(State())
    /// Scans kept at once; the oldest is dropped past it (its waiters keep their own reference).
    let limit: Int

    private struct State {
        /// The questions announced per file key, in order, without repeats.
        var announced: [String: [any Sendable]] = [:]
        var entries: [String: Entry] = [:]
        var order: [String] = []
    }

    private struct Entry {
        /// The questions the scan answers.
        var questions: [any Sendable]
        /// A `Task<Answer, any Error>`, typed by the caller.
        var task: any Sendable
    }

    package init(limit: Int = 16) { self.limit = max(1, limit) }

    /// Announces that `question` will be asked of the file `key` (a source's name, the file's path,
    /// and whatever else changes every answer, such as the window).
    package func announce<Question: Hashable & Sendable>(_ question: Question, of key: String) {
        state.withLock { state in
            var list = state.announced[key, default: []]
            guard !list.contains(where: { ($0 as? Question) == question }) else { return }
            list.append(question)
            state.announced[key] = list
        }
    }

    /// The answer of the scan of `key` that covers `question`: a running or finished one, else a
    /// new one (`scan` gets every question announced for the key, `question` among them).
    package func answer<Question: Hashable & Sendable, Answer: Sendable>(
        _ question: Question, of key: String, scan: @escaping @Sendable ([Question]) throws -> Answer
    ) async throws -> Answer {
        let task = state.withLock { state -> Task<Answer, any Error> in
            if let entry = state.entries[key], let task = entry.task as? Task<Answer, any Error>,
                entry.questions.contains(where: { ($0 as? Question) == question })
            {
                return task
            }
            var questions = (state.announced[key] ?? []).compactMap { $0 as? Question }
            if !questions.contains(question) { questions.append(question) }
            let asked = questions
            let task = Task<Answer, any Error> { try scan(asked) }
            if state.entries.updateValue(Entry(questions: asked, task: task), forKey: key) == nil {
                state.order.append(key)
            }
            while state.order.count > limit { state.entries[state.order.removeFirst()] = nil }
            return task
        }
        return try await task.value
    }
}

/// The question of a scan that answers everything its file can be asked (a JTL's every label, a
/// file's kind, a summary's document).
package struct WholeFile: Hashable, Sendable {
    package init() {}
}
