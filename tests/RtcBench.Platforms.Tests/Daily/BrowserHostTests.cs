using RtcBench.Platforms.Daily.Browser;

namespace RtcBench.Platforms.Tests.Daily;

[Collection(ChromiumCollection.Name)]
public sealed class BrowserHostTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Dispose_AfterPagesWereOpen_LeavesNoChromiumOrDriverProcess()
    {
        var before = ProcessTree.Descendants();
        var host = new BrowserHost();
        await using (var page = await host.OpenCallPageAsync(CancellationToken.None).WaitAsync(Timeout))
        {
            Assert.True(host.IsRunning);
        }
        var ours = ProcessTree.Descendants().Where(p => !before.ContainsKey(p.Key)).ToDictionary();
        Assert.Contains(ours.Values, name => name.Contains("chrom", StringComparison.OrdinalIgnoreCase));

        await host.DisposeAsync().AsTask().WaitAsync(Timeout);

        var alive = ours.Where(p => ProcessTree.IsAlive(p.Key)).Select(p => $"{p.Key} {p.Value}").ToList();
        Assert.Empty(alive);
        Assert.False(host.IsRunning);
    }

    [Fact]
    public async Task OpenCallPage_MissingChromium_FailsWithTheInstallHint()
    {
        await using var host = new BrowserHost(new BrowserHostOptions { ExecutablePath = "/nonexistent/chromium" });

        var ex = await Assert.ThrowsAsync<PlatformException>(() => host.OpenCallPageAsync(CancellationToken.None).WaitAsync(Timeout));

        Assert.Contains("apt-get install chromium", ex.Message, StringComparison.Ordinal);
    }
}
