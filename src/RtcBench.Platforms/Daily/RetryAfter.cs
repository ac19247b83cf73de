using System.Net.Http.Headers;

namespace RtcBench.Platforms.Daily;

/// <summary>How long to wait before retrying a 429: the server's <c>Retry-After</c>, else exponential back-off.</summary>
internal static class RetryAfter
{
    public static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(30);

    /// <param name="header">The response's Retry-After header, if any (delta seconds or an HTTP date).</param>
    /// <param name="attempt">1 for the first retry.</param>
    /// <param name="now">Current wall-clock time, to turn an HTTP date into a delay.</param>
    public static TimeSpan Delay(RetryConditionHeaderValue? header, int attempt, DateTimeOffset now)
    {
        TimeSpan wait;
        if (header?.Delta is { } delta)
        {
            wait = delta;
        }
        else if (header?.Date is { } date)
        {
            wait = date - now;
        }
        else
        {
            // 0.5 s, 1 s, 2 s, 4 s ...
            wait = TimeSpan.FromMilliseconds(500 * Math.Pow(2, Math.Min(attempt - 1, 10)));
        }
        if (wait < TimeSpan.Zero)
        {
            wait = TimeSpan.Zero;
        }
        return wait > MaxWait ? MaxWait : wait;
    }
}
