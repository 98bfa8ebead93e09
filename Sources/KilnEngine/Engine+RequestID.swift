/// The API request being answered, set by the server around each request: operations it
/// starts (their tasks inherit task-locals) name it in their log lines, so one request's
/// line and its operation's lines are found together.
extension Engine {
    @TaskLocal public static var requestID: String?
}
