import Basics

/// Runs libcurl transfers on dedicated threads (`BlockingThread`), off the Swift cooperative
/// pool: `curl_easy_perform` blocks for up to the request timeout.
///
/// One easy handle per transfer, created, used and freed on its worker thread (never shared
/// between threads); connections, DNS and TLS sessions are reused through the `CurlShare`.
final class Transport: Sendable {
    let share = CurlShare()

    /// Performs one request; cancelling the task aborts the transfer within about a second.
    func send(_ request: HTTPRequest, options: TransferOptions) async -> Result<HTTPResponse, RegistryError> {
        let flag = CancellationFlag()
        let share = self.share
        return await withTaskCancellationHandler {
            await BlockingThread.run {
                CurlTransfer(share: share, options: options, cancellation: flag).perform(request)
            }
        } onCancel: {
            flag.cancel()
        }
    }
}
