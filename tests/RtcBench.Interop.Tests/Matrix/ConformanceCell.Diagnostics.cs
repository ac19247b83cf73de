using System.Text;
using RtcBench.Interop.Tests.Peers;
using RtcBench.Rtc.Sctp;

namespace RtcBench.Interop.Tests.Matrix;

/// <summary>What a failed cell says: the step, the error, and both sides' view of the connection.</summary>
internal sealed partial class ConformanceCell
{
    private async Task<string> FailureAsync(Exception error)
    {
        string what = error switch
        {
            TimeoutException => $"timed out ({error.Message})",
            CellException or PeerCommandException => error.Message,
            _ => $"{error.GetType().Name}: {error.Message}",
        };
        var text = new StringBuilder();
        text.Append("fail at ").Append(_step).Append(": ").AppendLine(what);
        text.Append("  ours: ").AppendLine(OurState());
        text.Append("  theirs: ").Append(await _peer.DescribeAsync(_pc, _logMark));
        return text.ToString().TrimEnd();
    }

    private string OurState()
    {
        if (_us is null)
        {
            return "no peer connection yet";
        }

        string udp = _us.MuxSession is { } session
            ? $"shared udp (mux) session recv={session.Received} sent={session.Sent} mux droppedUnknown={session.Mux.DroppedUnknown} droppedOther={session.Mux.DroppedOther}"
            : $"udp recv={_us.Socket.Received} sent={_us.Socket.Sent} droppedOther={_us.Socket.DroppedOther}";
        string channels = string.Join("; ", _ours.Values.Select(c => c.ToString()));
        return $"{_us.State}, outcome {(_us.Outcome?.ToString() ?? (_us.WhenConnected.IsCompleted ? _us.WhenConnected.Result.ToString() : "pending"))}, " +
            $"dtls {_us.DtlsRole?.ToString() ?? "?"}, ice {(_us.IsIceLite ? "lite" : "full")} {_us.IceRole}, pair {_us.SelectedPair?.ToString() ?? "none"}, " +
            $"{udp} dropped={_us.Dropped} callbackErrors={_us.CallbackErrors}; " +
            $"channels {(channels.Length > 0 ? channels : "none")}; sctp {Describe(_us.SctpStats)}";
    }

    private static string Describe(SctpStats? stats) => stats is null ? "none" : string.Join(" ",
        typeof(SctpStats).GetProperties().Select(p => $"{p.Name}={p.GetValue(stats)}"));
}
