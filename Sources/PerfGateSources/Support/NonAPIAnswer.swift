import PerfGateCore

/// What to say when a backend answers something that is not its API's JSON: most often the URL
/// is a web UI, a login page or a proxy's sign-in, which answer HTML.
enum NonAPIAnswer {
    /// The hint for a message about `response`, whose request `request` names its source first
    /// (`prometheus: POST …`); "" when the body is not HTML and `always` is false.
    static func hint(_ response: HTTPResponse, request: String, always: Bool = true) -> String {
        let source = String(request.prefix { $0 != ":" })
        let start = response.body.prefix(512).drop { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 || $0 == 0xEF || $0 == 0xBB || $0 == 0xBF }
        let html = response.headers["content-type"]?.lowercased().contains("html") == true || start.first == UInt8(ascii: "<")
        // A 5xx page is the server's trouble, not a wrong address; a JSON document of the wrong
        // shape is a backend's answer, not another server's.
        let json = start.first == UInt8(ascii: "{") || start.first == UInt8(ascii: "[")
        guard (html || (always && !json)) && response.status < 500 else { return "" }
        let declaration = SourceRegistry.declarations.first { $0.name == source }
        let setting = declaration?.setting(.url)
        let whereFrom = setting.map { setting in (["--" + setting.flag] + setting.variables).joined(separator: " or ") } ?? "the URL"
        let what = html ? "the server answered an HTML page" : "the server did not answer JSON"
        return " (is this \(source)'s API? \(what): \(whereFrom) should be the API's base URL, not a web UI, a login page or a proxy's sign-in)"
    }
}
