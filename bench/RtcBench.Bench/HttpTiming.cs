using System.Diagnostics;
using System.Net;
using System.Text;

namespace RtcBench.Bench;

/// <summary>
/// The timing the results-service and fleet-scale benchmarks share: requests timed with the monotonic clock, ingest by
/// concurrent clients, and a GET that fails loudly.
/// </summary>
internal static class HttpTiming
{
    /// <summary>How long <paramref name="query"/> takes to answer, body read, in milliseconds.</summary>
    public static async Task<double> TimeGetAsync(HttpClient http, string query)
    {
        long start = Stopwatch.GetTimestamp();
        await GetAsync(http, query);
        return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }

    /// <summary>GETs <paramref name="query"/> and returns the body; an error status throws with the body.</summary>
    public static async Task<byte[]> GetAsync(HttpClient http, string query)
    {
        using var response = await http.GetAsync(query);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{query} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }

        return await response.Content.ReadAsByteArrayAsync();
    }

    /// <summary>
    /// POSTs each of <paramref name="documents"/> (serialised before timing: the figure is the service and store, not
    /// the generator) to <c>/api/runs</c> from <paramref name="clients"/> concurrent clients; anything but 201 throws.
    /// Returns the wall time of the whole and each request's latency.
    /// </summary>
    public static async Task<(TimeSpan Total, Latencies PerRequest)> IngestAsync(HttpClient http, string[] documents, int clients)
    {
        int next = -1;
        var latencies = new double[documents.Length];
        var total = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < documents.Length)
            {
                long start = Stopwatch.GetTimestamp();
                using var content = new StringContent(documents[i], Encoding.UTF8, "application/json");
                using var response = await http.PostAsync("/api/runs", content);
                if (response.StatusCode != HttpStatusCode.Created)
                {
                    throw new InvalidOperationException($"ingest answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                }

                latencies[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }
        }));
        total.Stop();
        return (total.Elapsed, Latencies.Of(latencies));
    }
}
