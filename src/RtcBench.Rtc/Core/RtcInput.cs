using System.Net;

namespace RtcBench.Rtc.Core;

/// <summary>What an <see cref="RtcInput"/> carries.</summary>
public enum RtcInputKind
{
    /// <summary>A received datagram: <see cref="RtcInput.Data"/> from <see cref="RtcInput.From"/> to our <see cref="RtcInput.To"/>.</summary>
    Receive,

    /// <summary>Time has passed (the deadline of the last <see cref="RtcOutputKind.Timeout"/>, or any time: harmless early).</summary>
    Timeout,

    /// <summary>Send <see cref="RtcInput.Data"/> on channel <see cref="RtcInput.Channel"/> (text or binary).</summary>
    Send,

    /// <summary>Close channel <see cref="RtcInput.Channel"/> (stream reset, RFC 8831 §6.7).</summary>
    CloseChannel,

    /// <summary>A remote candidate (SDP or trickled) for the full agent: <see cref="RtcInput.From"/> and <see cref="RtcInput.Priority"/>.</summary>
    AddRemoteCandidate,

    /// <summary>The peer has no more candidates (end-of-candidates).</summary>
    EndOfRemoteCandidates,

    /// <summary>Close the whole session: SCTP SHUTDOWN, then DTLS close_notify.</summary>
    Close,
}

/// <summary>
/// One input to <see cref="RtcCore.HandleInput"/>. A ref struct so a received datagram or a message to send is passed
/// as a span of the caller's buffer, never copied into a new array: the core reads it before HandleInput returns.
/// </summary>
public readonly ref struct RtcInput
{
    private RtcInput(RtcInputKind kind, ReadOnlySpan<byte> data, IPEndPoint? from, IPEndPoint? to, int channel, bool isText, uint priority)
    {
        Kind = kind;
        Data = data;
        From = from;
        To = to;
        Channel = channel;
        IsText = isText;
        Priority = priority;
    }

    public RtcInputKind Kind { get; }

    public ReadOnlySpan<byte> Data { get; }

    /// <summary>Receive: the sender. AddRemoteCandidate: the candidate.</summary>
    public IPEndPoint? From { get; }

    /// <summary>Receive: the local address the datagram reached.</summary>
    public IPEndPoint? To { get; }

    public int Channel { get; }

    public bool IsText { get; }

    public uint Priority { get; }

    public static RtcInput Receive(ReadOnlySpan<byte> datagram, IPEndPoint from, IPEndPoint to) =>
        new(RtcInputKind.Receive, datagram, from ?? throw new ArgumentNullException(nameof(from)),
            to ?? throw new ArgumentNullException(nameof(to)), -1, false, 0);

    public static RtcInput Timeout => new(RtcInputKind.Timeout, default, null, null, -1, false, 0);

    public static RtcInput Send(int channel, ReadOnlySpan<byte> message, bool isText) =>
        new(RtcInputKind.Send, message, null, null, channel, isText, 0);

    public static RtcInput CloseChannel(int channel) => new(RtcInputKind.CloseChannel, default, null, null, channel, false, 0);

    public static RtcInput AddRemoteCandidate(IPEndPoint candidate, uint priority) =>
        new(RtcInputKind.AddRemoteCandidate, default, candidate ?? throw new ArgumentNullException(nameof(candidate)), null, -1, false, priority);

    public static RtcInput EndOfRemoteCandidates => new(RtcInputKind.EndOfRemoteCandidates, default, null, null, -1, false, 0);

    public static RtcInput Close => new(RtcInputKind.Close, default, null, null, -1, false, 0);
}
