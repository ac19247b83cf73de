using System.Text.Json;
using RtcBench.Platforms.Daily.Browser;

namespace RtcBench.Platforms.Daily;

/// <summary>
/// The runner side of the <c>daily</c> platform: joins the agent's Daily room from a headless-Chromium page
/// running daily-js (or, when the agent says so, the offline stand-in) with no media, and returns one reliable
/// channel of app messages. Credentials: see <see cref="DailyCredentials"/>.
/// </summary>
public sealed class DailyPlatformClient(BrowserHost? host = null) : IPlatformClient
{
    /// <summary>Daily refuses app messages whose JSON is longer than this (daily-js default, checked client-side).</summary>
    public const int MaxAppMessageChars = 4096;

    /// <summary>Room left for the fields a pong adds to a ping (rx, tx, wc).</summary>
    public const int MaxPingBytes = MaxAppMessageChars - 96;

    public const string PlatformName = "daily";

    public string Name => PlatformName;

    public TimeSpan JoinTimeout { get; init; } = TimeSpan.FromSeconds(30);

    public async Task<IReadOnlyList<IPingChannel>> JoinAsync(JsonElement credentials, PlatformJoinContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var creds = DailyCredentials.Parse(credentials);
        if (context.PayloadBytes > MaxPingBytes)
        {
            throw new PlatformException(
                $"Daily app messages are limited to {MaxAppMessageChars} characters: use a payload of at most {MaxPingBytes} bytes.");
        }
        var page = await (host ?? BrowserHost.Shared).OpenCallPageAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var join = await page.JoinAsync(new DailyCallConfig
            {
                Role = DailyCallRole.Runner,
                RoomUrl = new Uri(creds.RoomUrl),
                Token = creds.Token,
                UserName = "rtcbench-runner",
                StandInRelay = creds.StandInRelay is null ? null : new Uri(creds.StandInRelay),
                JoinTimeout = JoinTimeout,
            }, context.Clock, cancellationToken).ConfigureAwait(false);
            return [await DailyPingChannel.CreateAsync(page, join, creds, context.Clock, cancellationToken).ConfigureAwait(false)];
        }
        catch (Exception ex) when (ex is PlatformException or IOException)
        {
            await page.DisposeAsync().ConfigureAwait(false);
            throw ex as PlatformException ?? new PlatformException(ex.Message, ex);
        }
        catch
        {
            await page.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
