using System.Threading.Channels;
using RtcBench.Rtc.Peer;

namespace RtcBench.Interop.Tests.Matrix;

/// <summary>One of our data channels in a cell: what it received, in order, and whether it has closed.</summary>
internal sealed class OurChannel
{
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public OurChannel(DataChannel channel)
    {
        Channel = channel;
        channel.OnMessage = (_, message, isText, _) => Inbox.Writer.TryWrite(new CellMessage(isText, message.ToArray()));
        channel.Closed += _ => _closed.TrySetResult();
        if (channel.State == DataChannelState.Closed)
        {
            _closed.TrySetResult();
        }
    }

    public DataChannel Channel { get; }

    public Channel<CellMessage> Inbox { get; } = System.Threading.Channels.Channel.CreateUnbounded<CellMessage>();

    public Task WhenClosed => _closed.Task;

    /// <summary>Up to <paramref name="count"/> messages, waiting at most <paramref name="wait"/> for them all.</summary>
    public async Task<List<CellMessage>> TakeAsync(int count, TimeSpan wait)
    {
        var got = new List<CellMessage>();
        using var cts = new CancellationTokenSource(wait);
        try
        {
            while (got.Count < count)
            {
                got.Add(await Inbox.Reader.ReadAsync(cts.Token));
            }
        }
        catch (OperationCanceledException)
        {
            // Whatever arrived; the caller says what is missing.
        }

        return got;
    }

    public override string ToString() =>
        $"{Channel} sent={Channel.MessagesSent} recv={Channel.MessagesReceived} refused={Channel.SendsRefused}";
}
