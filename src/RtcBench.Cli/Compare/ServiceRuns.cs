using System.Globalization;
using System.Net;
using System.Text.Json;
using RtcBench.Core.Results;

namespace RtcBench.Cli.Compare;

/// <summary>
/// Reads runs from a results service for <c>compare --store http(s)://…</c>: <c>GET /api/runs</c> (paged, filtered)
/// for the ids, <c>GET /api/runs/{id}</c> for each document with its pings. Read-only; needs no token.
/// </summary>
internal sealed class ServiceRuns(Uri service) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = service, Timeout = TimeSpan.FromSeconds(60) };

    public Uri Service => service;

    /// <summary>The ids of runs matching the filters that started in [since, until).</summary>
    public async Task<List<string>> ListIdsAsync(string? platform, string? location, string? channel, DateTimeOffset since, DateTimeOffset until, CancellationToken ct)
    {
        var ids = new List<string>();
        const int pageSize = 1000;
        while (true)
        {
            var query = new List<string>
            {
                $"limit={pageSize}",
                $"offset={ids.Count.ToString(CultureInfo.InvariantCulture)}",
                "since=" + Uri.EscapeDataString(since.UtcDateTime.ToString("O", CultureInfo.InvariantCulture)),
                "until=" + Uri.EscapeDataString(until.UtcDateTime.ToString("O", CultureInfo.InvariantCulture)),
            };
            foreach (var (name, value) in new[] { ("platform", platform), ("location", location), ("channel", channel) })
            {
                if (value is not null)
                {
                    query.Add($"{name}={Uri.EscapeDataString(value)}");
                }
            }
            using var response = await _http.GetAsync(new Uri("/api/runs?" + string.Join('&', query), UriKind.Relative), ct);
            await EnsureOkAsync(response, ct);
            using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
            var items = doc.RootElement.GetProperty("items");
            foreach (var item in items.EnumerateArray())
            {
                ids.Add(item.GetProperty("run_id").GetString()!);
            }
            if (items.GetArrayLength() < pageSize)
            {
                return ids;
            }
        }
    }

    /// <summary>The stored document with its pings; null when the service has no such run.</summary>
    public async Task<RunResult?> GetRunAsync(string id, CancellationToken ct)
    {
        using var response = await _http.GetAsync(new Uri("/api/runs/" + Uri.EscapeDataString(id), UriKind.Relative), ct);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
        await EnsureOkAsync(response, ct);
        return ResultJson.Deserialize(await response.Content.ReadAsStringAsync(ct));
    }

    private static async Task EnsureOkAsync(HttpResponseMessage response, CancellationToken ct)
    {
        if (!response.IsSuccessStatusCode)
        {
            string body = await response.Content.ReadAsStringAsync(ct);
            throw new HttpRequestException($"{(int)response.StatusCode} {response.ReasonPhrase}: {(body.Length > 200 ? body[..200] : body)}");
        }
    }

    public void Dispose() => _http.Dispose();
}
