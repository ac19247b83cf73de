using System.Text;
using System.Threading.Channels;
using RtcBench.Rtc.Peer;

namespace RtcBench.Janus.Tests.Support;

/// <summary>
/// Collects the messages of one of our data channels (copied off the connection's loop) for a test to await in
/// order. Every wait has a hang guard; what was skipped while waiting for a match is kept for the failure message.
/// </summary>
internal sealed class MessageInbox
{
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(20);
    private readonly Channel<Received> _messages = Channel.CreateUnbounded<Received>();
    private readonly List<Received> _skipped = [];

    public MessageInbox(DataChannel channel)
    {
        ArgumentNullException.ThrowIfNull(channel);
        channel.OnMessage = (_, message, isText, _) => _messages.Writer.TryWrite(new Received(message.ToArray(), isText));
    }

    public int Count { get; private set; }

    public async Task<Received> NextAsync()
    {
        try
        {
            var next = await _messages.Reader.ReadAsync().AsTask().WaitAsync(HangGuard);
            Count++;
            return next;
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"No message within {HangGuard.TotalSeconds:0} s (hang guard) after {Count} received.");
        }
    }

    /// <summary>The next message that matches; the ones before it are skipped (and listed if none matches).</summary>
    public async Task<Received> WaitForAsync(Func<Received, bool> match, string what)
    {
        ArgumentNullException.ThrowIfNull(match);
        try
        {
            while (true)
            {
                var next = await NextAsync();
                if (match(next))
                {
                    return next;
                }

                _skipped.Add(next);
            }
        }
        catch (TimeoutException ex)
        {
            string skipped = string.Join("\n  ", _skipped.Select(r => r.ToString()));
            throw new TimeoutException($"{ex.Message} Waiting for {what}; skipped:\n  {skipped}", ex);
        }
    }

    public sealed record Received(byte[] Data, bool IsText)
    {
        public string Text => Encoding.UTF8.GetString(Data);

        public override string ToString() => IsText ? $"text {Text}" : $"binary {Data.Length} B";
    }
}
