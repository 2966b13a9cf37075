import PerfGateCore

/// A request's JSON body. An empty body reads as `{}`, so the routes say which field is missing.
enum RequestBody {
    /// Why the body cannot be read: 415 (not JSON) or 400 (not a JSON object).
    struct Problem: Error {
        var status: Int
        var message: String
    }

    static func object(_ request: ServiceRequest) -> Result<Node, Problem> {
        let type = request.headers["content-type"]?.lowercased() ?? "application/json"
        // `curl -d @payload.json` sends JSON labelled as a form: a body that starts as an object is read as JSON.
        let looksLikeJSON = request.body.first { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 } == UInt8(ascii: "{")
        guard type.hasPrefix("application/json") || type.hasPrefix("text/json") || request.body.isEmpty || looksLikeJSON else {
            return .failure(Problem(status: 415, message: "the body must be JSON (Content-Type: application/json), not \(type)"))
        }
        if request.body.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) { return .success(.object([])) }
        do {
            let node = try JSONParser.parse(request.body)
            guard node.members != nil else {
                return .failure(
                    Problem(
                        status: 400, message: "the body must be a JSON object, not \(node.typeName). Please check your request body and try again."))
            }
            return .success(node)
        } catch {
            return .failure(
                Problem(status: 400, message: "the body is not valid JSON: \(error.description). Please check your request body and try again."))
        }
    }
}
