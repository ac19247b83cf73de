namespace RtcBench.Interop.Tests.Matrix;

/// <summary>
/// What another stack does against the standards, found by this matrix, and what the cell does about it. Each entry
/// names the stack and the evidence; the cell's detail says when one applied.
/// </summary>
internal static class KnownDeviations
{
    /// <summary>
    /// werift 0.25.2 cannot send an empty message: its SCTP <c>send</c> (werift sctp/src/sctp.ts) cuts the payload
    /// into <c>ceil(0 / mtu) = 0</c> fragments, so no DATA chunk goes out, yet on an ordered channel it still takes a
    /// stream sequence number; every later message on that channel then waits for the missing one at any conforming
    /// receiver (RFC 9260 §6.6), and the channel is dead. RFC 8831 §6.6 wants one zero byte with PPID 56/57. The cell
    /// therefore sends no empty message from werift (and says so); empty messages to werift are still tested.
    /// </summary>
    public static bool CannotSendEmptyMessages(string stack) => stack == "werift";
}
