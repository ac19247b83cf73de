using RtcBench.Platforms.Daily.Browser;

namespace RtcBench.Platforms.Tests.Daily;

/// <summary>One Chromium and one stand-in relay for every browser test (launching Chromium takes seconds).</summary>
public sealed class ChromiumFixture : IAsyncLifetime
{
    internal BrowserHost Host { get; } = new();

    internal DailyStandInRelay Relay { get; private set; } = null!;

    public async Task InitializeAsync() => Relay = await DailyStandInRelay.StartAsync().WaitAsync(TimeSpan.FromSeconds(30));

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        await Relay.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));
    }
}

/// <summary>Browser tests run one at a time: they share a Chromium, and the process test counts chromium processes.</summary>
[CollectionDefinition(Name)]
public sealed class ChromiumCollection : ICollectionFixture<ChromiumFixture>
{
    public const string Name = "Chromium";
}
