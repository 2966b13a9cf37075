import PerfGateCore

/// Reads the render API's JSON (`format=json`): a list of `{"target", "datapoints": [[value|null,
/// seconds], …]}`, one per series. An error is HTTP 400 with a plain-text message.
package enum GraphiteResponse {
    /// Each series' points, value first; null values are nil.
    package static func series(_ response: HTTPResponse, request: String) throws(SourceError) -> [(target: String, points: [Measurement])] {
        guard (200..<300).contains(response.status) else {
            throw SourceError("\(request): HTTP \(response.status): \(Excerpt.of(response.bodyPreview(500), limit: 500))")
        }
        let parsed: Result<[(target: String, points: [Measurement])], SourceError>
        do {
            parsed = try GraphiteAnswerParser.parse(response.body)
        } catch {
            throw SourceError(
                "\(request): the answer is not valid JSON (\(error.message) at byte \(error.offset)): \(JSONWriter.quoted(response.bodyPreview()))"
                    + NonAPIAnswer.hint(response, request: request))
        }
        switch parsed {
        case .success(let series): return series
        case .failure(let problem): throw SourceError("\(request): \(problem.message)")
        }
    }
}
