using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace RtcBench.Deploy.Tests.Support;

/// <summary>
/// A real Prometheus (Debian's, /usr/bin/prometheus) on a free loopback port with its own data directory, killed on
/// dispose. Its HTTP API answers the queries.
/// </summary>
internal sealed class PrometheusProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();

    private PrometheusProcess(Process process, Uri baseUrl)
    {
        _process = process;
        BaseUrl = baseUrl;
        Http = new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(60) };
    }

    public Uri BaseUrl { get; }

    public HttpClient Http { get; }

    /// <summary>What Prometheus logged so far (for failure messages).</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    public static PrometheusProcess Start(string configFile, string dataDirectory)
    {
        int port = FreePort();
        var start = new ProcessStartInfo(Tool.Find("prometheus"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = dataDirectory,
        };
        foreach (var a in (string[])[
            "--config.file=" + configFile, "--storage.tsdb.path=" + dataDirectory,
            "--web.listen-address=127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture), "--log.level=info"])
        {
            start.ArgumentList.Add(a);
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start prometheus");
        var running = new PrometheusProcess(process, new Uri($"http://127.0.0.1:{port}/"));
        process.OutputDataReceived += (_, e) => running.Append(e.Data);
        process.ErrorDataReceived += (_, e) => running.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return running;
    }

    /// <summary>
    /// The answer of an instant query as (labels, value) pairs; empty while Prometheus is not ready or has no sample
    /// yet.
    /// </summary>
    public async Task<IReadOnlyList<(Dictionary<string, string> Labels, double Value)>> QueryAsync(string query, CancellationToken ct)
    {
        if (_process.HasExited)
        {
            throw new InvalidOperationException($"prometheus exited with {_process.ExitCode}:\n{Log}");
        }
        HttpResponseMessage response;
        try
        {
            response = await Http.GetAsync("api/v1/query?query=" + Uri.EscapeDataString(query), ct);
        }
        catch (HttpRequestException)
        {
            return [];   // not listening yet
        }
        using (response)
        {
            if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
            {
                return [];   // starting up
            }
            string body = await response.Content.ReadAsStringAsync(ct);
            Assert.True(response.IsSuccessStatusCode, $"query {query}: {(int)response.StatusCode} {body}");
            using var json = JsonDocument.Parse(body);
            var list = new List<(Dictionary<string, string>, double)>();
            foreach (var sample in json.RootElement.GetProperty("data").GetProperty("result").EnumerateArray())
            {
                var labels = sample.GetProperty("metric").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
                double value = double.Parse(sample.GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture);
                list.Add((labels, value));
            }
            return list;
        }
    }

    /// <summary>
    /// Asks <paramref name="query"/> until its answer satisfies <paramref name="done"/> and returns that answer.
    /// Prometheus scrapes on its own schedule and has no "scrape now": the test asks again until it sees the samples
    /// (every 100 ms; <paramref name="ct"/> ends a wait that never succeeds).
    /// </summary>
    public async Task<IReadOnlyList<(Dictionary<string, string> Labels, double Value)>> WaitForAsync(
        string query, Func<IReadOnlyList<(Dictionary<string, string> Labels, double Value)>, bool> done, CancellationToken ct)
    {
        while (true)
        {
            IReadOnlyList<(Dictionary<string, string>, double)> answer;
            try
            {
                answer = await QueryAsync(query, ct);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Prometheus never answered '{query}' as expected; its log:\n{Log}");
            }
            if (done(answer))
            {
                return answer;
            }
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100), ct);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Prometheus never answered '{query}' as expected (last: {answer.Count} samples); its log:\n{Log}");
            }
        }
    }

    public void Dispose()
    {
        Http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_log)
        {
            _log.AppendLine(line);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
