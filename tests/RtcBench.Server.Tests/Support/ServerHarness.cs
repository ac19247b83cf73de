using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using RtcBench.Core.Results;
using RtcBench.Storage;
using RtcBench.Storage.Sqlite;
using RtcBench.Storage.Tests;

namespace RtcBench.Server.Tests.Support;

/// <summary>
/// A results service on 127.0.0.1:0 over a store (a fresh SQLite file unless given one), a clock fixed at
/// <see cref="Now"/>, and an HttpClient; every await is bounded by <see cref="Ct"/>.
/// </summary>
public sealed class ServerHarness : IAsyncDisposable
{
    /// <summary>"Now" for every query: windows end here.</summary>
    public static readonly DateTimeOffset Now = RunFactory.BaseTime.AddHours(6);

    private readonly TempDirectory? _directory;
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(120));

    private ServerHarness(RunningServer server, IResultStore store, TempDirectory? directory, string? token)
    {
        Server = server;
        Store = store;
        _directory = directory;
        Client = new HttpClient { BaseAddress = server.BaseUrl, Timeout = TimeSpan.FromSeconds(60) };
        if (token is not null)
        {
            Client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }
    }

    public RunningServer Server { get; }

    public IResultStore Store { get; }

    public HttpClient Client { get; }

    public CancellationToken Ct => _timeout.Token;

    public static async Task<ServerHarness> StartAsync(
        IResultStore? store = null, string? token = null, int maxBodyBytes = ServerOptions.DefaultMaxBodyBytes,
        Action<ServerOptions>? configure = null, Microsoft.Extensions.Logging.ILoggerFactory? loggerFactory = null,
        TimeProvider? time = null)
    {
        TempDirectory? directory = null;
        if (store is null)
        {
            directory = new TempDirectory();
            store = new SqliteResultStore(directory.File("results.db"));
        }
        var options = new ServerOptions
        {
            Listen = new IPEndPoint(IPAddress.Loopback, 0),
            IngestToken = token,
            MaxBodyBytes = maxBodyBytes,
        };
        configure?.Invoke(options);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        RunningServer server;
        try
        {
            server = await ServerHost.StartAsync(options, store, loggerFactory, time: time ?? new FixedTimeProvider(Now), ct: timeout.Token);
        }
        catch when (directory is not null)
        {
            await store.DisposeAsync();
            directory.Dispose();
            throw;
        }
        return new ServerHarness(server, store, directory, token);
    }

    public Task<HttpResponseMessage> PostRunAsync(RunResult run) => PostJsonAsync(ResultJson.Serialize(run, indented: false));

    public Task<HttpResponseMessage> PostJsonAsync(string json) =>
        Client.PostAsync("/api/runs", new StringContent(json, Encoding.UTF8, "application/json"), Ct);

    public async Task PostAllAsync(params RunResult[] runs)
    {
        foreach (var run in runs)
        {
            using var response = await PostRunAsync(run);
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        }
    }

    /// <summary>GETs a path and parses the JSON answer, asserting the status.</summary>
    public async Task<JsonElement> GetJsonAsync(string path, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await Client.GetAsync(path, Ct);
        string body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(expected == response.StatusCode, $"GET {path}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    public static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response, CancellationToken ct) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>(ct)).Clone();

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Server.DisposeAsync();
        if (_directory is not null)
        {
            await Store.DisposeAsync();
            _directory.Dispose();
        }
        _timeout.Dispose();
    }
}
