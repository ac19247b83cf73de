using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace RtcBench.Storage.Delivery;

/// <summary>
/// Posts result documents to a results service's <c>POST /api/runs</c> with the ingest token as a bearer token.
/// Never throws for network or HTTP failures: they come back as a <see cref="DeliveryResult"/>.
/// </summary>
public sealed class ResultServiceClient : IDisposable
{
    public const string TokenVariable = "RTCBENCH_STORE_TOKEN";

    /// <summary>How long one post may take.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly HttpClient _http;

    /// <param name="serviceUrl">The service's base URL, http or https.</param>
    /// <param name="token">The ingest token, or null when the service needs none.</param>
    public ResultServiceClient(Uri serviceUrl, string? token, HttpMessageHandler? handler = null)
    {
        ArgumentNullException.ThrowIfNull(serviceUrl);
        ServiceUrl = serviceUrl;
        _http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        _http.BaseAddress = serviceUrl;
        _http.Timeout = Timeout;
        if (!string.IsNullOrEmpty(token))
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
    }

    public Uri ServiceUrl { get; }

    /// <summary>True for an absolute http(s) URL, the form <c>--store</c> takes for a results service.</summary>
    public static bool TryParseUrl(string? spec, out Uri? url)
    {
        url = null;
        if (spec is null
            || !Uri.TryCreate(spec.Trim(), UriKind.Absolute, out var parsed)
            || (parsed.Scheme != Uri.UriSchemeHttp && parsed.Scheme != Uri.UriSchemeHttps))
        {
            return false;
        }
        url = parsed.AbsolutePath.EndsWith('/') ? parsed : new Uri(parsed + "/");
        return true;
    }

    /// <summary>Posts one document (UTF-8 JSON text).</summary>
    public Task<DeliveryResult> PostAsync(string documentJson, CancellationToken cancellationToken) =>
        SendAsync("api/runs", documentJson, cancellationToken);

    /// <summary>
    /// Reports the runner and its spool (<c>POST /api/runners/heartbeat</c>). Delivered on a 2xx; otherwise the status
    /// as for a run (a 400 naming the field is Rejected; 429, when the service tracks too many runners, Unavailable)
    /// with the service's detail.
    /// </summary>
    public Task<DeliveryResult> ReportAsync(RunnerReport report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        return SendAsync(RunnerReport.Route, report.ToJson(), cancellationToken);
    }

    private async Task<DeliveryResult> SendAsync(string route, string documentJson, CancellationToken cancellationToken)
    {
        try
        {
            using var content = new StringContent(documentJson, Encoding.UTF8, "application/json");
            using var response = await _http.PostAsync(route, content, cancellationToken).ConfigureAwait(false);
            int status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                return new DeliveryResult(DeliveryStatus.Delivered, status == 201 ? "stored" : "already stored");
            }
            string detail = $"{status} {await ProblemDetailAsync(response, cancellationToken).ConfigureAwait(false)}".TrimEnd();
            return response.StatusCode switch
            {
                HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => new DeliveryResult(DeliveryStatus.Unauthorized, detail),
                HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests => new DeliveryResult(DeliveryStatus.Unavailable, detail),
                // A different run holds this id: permanent, however often it is re-sent (never a success).
                HttpStatusCode.Conflict => new DeliveryResult(DeliveryStatus.Rejected, detail),
                _ when status >= 500 => new DeliveryResult(DeliveryStatus.Unavailable, detail),
                _ => new DeliveryResult(DeliveryStatus.Rejected, detail),
            };
        }
        catch (HttpRequestException e)
        {
            return new DeliveryResult(DeliveryStatus.Unavailable, e.Message);
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new DeliveryResult(DeliveryStatus.Unavailable, $"no answer within {Timeout.TotalSeconds:0} s");
        }
    }

    public void Dispose() => _http.Dispose();

    private static async Task<string> ProblemDetailAsync(HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            string body = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
            using var document = JsonDocument.Parse(body);
            return document.RootElement.TryGetProperty("detail", out var detail) ? detail.GetString() ?? "" : "";
        }
        catch (JsonException)
        {
            return response.ReasonPhrase ?? "";
        }
    }
}
