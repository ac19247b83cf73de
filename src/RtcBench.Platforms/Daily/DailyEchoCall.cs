using RtcBench.Core.Timing;
using RtcBench.Platforms.Daily.Browser;

namespace RtcBench.Platforms.Daily;

/// <summary>
/// The echo participant of one Daily room: a page in the agent's Chromium, joined with no media, that answers
/// every ping to its sender only (<c>sendAppMessage(pong, fromId)</c>) with rx/tx on the page clock and the
/// clock's wall anchor, exactly as PingCodec writes a pong. Disposing leaves the call and closes the page.
/// </summary>
public sealed class DailyEchoCall : IAsyncDisposable
{
    private readonly DailyCallPage _page;
    private readonly MonoTime _clock;
    private long _echoed;
    private long _lastActivityNs = -1;
    private int _leaving;

    private DailyEchoCall(DailyCallPage page, DailyJoinInfo join, MonoTime clock)
    {
        _page = page;
        _clock = clock;
        JoinInfo = join;
        page.EchoProgress = OnEchoProgress;
        page.EventReported += OnPageEvent;
    }

    /// <summary>True once the echo left because the runner left the call.</summary>
    public bool RunnerLeft => Volatile.Read(ref _leaving) != 0;

    public DailyJoinInfo JoinInfo { get; }

    /// <summary>Pongs sent so far (reported by the page every 200 ms while it echoes).</summary>
    public long Echoed => Interlocked.Read(ref _echoed);

    /// <summary>Agent-clock ns of the last progress report with new pongs, or null before the first.</summary>
    public long? LastActivityNs => Interlocked.Read(ref _lastActivityNs) is long ns and >= 0 ? ns : null;

    /// <summary>Why the echo stopped (the runner left, ejected at room expiry, page crash), or null while it runs.</summary>
    public string? EndReason => _page.EndReason;

    public DailyCallPage Page => _page;

    /// <summary>Opens a page on <paramref name="host"/> and joins the room as the echo participant.</summary>
    public static async Task<DailyEchoCall> StartAsync(
        BrowserHost host, Uri roomUrl, string token, Uri? standInRelay, MonoTime clock, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(host);
        var page = await host.OpenCallPageAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var join = await page.JoinAsync(new DailyCallConfig
            {
                Role = DailyCallRole.Echo,
                RoomUrl = roomUrl,
                Token = token,
                UserName = "rtcbench-echo",
                StandInRelay = standInRelay,
            }, clock, cancellationToken).ConfigureAwait(false);
            return new DailyEchoCall(page, join, clock);
        }
        catch
        {
            await page.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public ValueTask DisposeAsync() => _page.DisposeAsync();

    /// <summary>
    /// The echo's only peer is the runner: when the runner leaves the call (finished, or vanished and timed out by
    /// Daily), the echo leaves too instead of idling in the room until it expires. Off the page's callback thread,
    /// since leaving talks to the page.
    /// </summary>
    private void OnPageEvent(string name, string? detail)
    {
        if (name == "participant-left" && Interlocked.Exchange(ref _leaving, 1) == 0)
        {
            _ = Task.Run(async () => await _page.DisposeAsync().ConfigureAwait(false));
        }
    }

    private void OnEchoProgress(long echoed)
    {
        if (Interlocked.Exchange(ref _echoed, echoed) != echoed)
        {
            Interlocked.Exchange(ref _lastActivityNs, _clock.NowNs());
        }
    }
}
