using System.Net;

namespace RtcBench.LiveKit.Signalling;

/// <summary>
/// A refused WebSocket upgrade carries no body, so, as the SDKs do, we ask <c>GET /rtc/validate</c> with the same query:
/// it answers 200 "success" or the refusal's text with its status (401 bad token, 403, 404…).
/// </summary>
internal static class SignalValidation
{
    private const int MaxReasonLength = 300;

    /// <summary>The status and the server's text; null status when /rtc/validate could not be asked either.</summary>
    public static async Task<(int? Status, string Text)> AskAsync(Uri validateUri, TimeSpan timeout, CancellationToken ct)
    {
        using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        try
        {
            using var response = await http.GetAsync(validateUri, cts.Token).ConfigureAwait(false);
            string text = (await response.Content.ReadAsStringAsync(cts.Token).ConfigureAwait(false)).Trim();
            if (text.Length > MaxReasonLength)
            {
                text = text[..MaxReasonLength] + "…";
            }

            return ((int)response.StatusCode, text);
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            return (null, ex is OperationCanceledException ? "/rtc/validate did not answer in time" : "/rtc/validate failed: " + ex.Message);
        }
    }

    /// <summary>A short explanation of a refusal status, for the outcome line.</summary>
    public static string Explain(int status) => (HttpStatusCode)status switch
    {
        HttpStatusCode.Unauthorized => "the access token was rejected (bad signature, expired, or unknown API key)",
        HttpStatusCode.Forbidden => "the token does not allow joining this room",
        HttpStatusCode.NotFound => "room or signal path not found",
        HttpStatusCode.BadRequest => "the join request was invalid",
        HttpStatusCode.ServiceUnavailable => "the server is unavailable",
        _ => "the server refused the join",
    };
}
