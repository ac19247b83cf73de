using System.Globalization;
using System.Text;
using RtcBench.Rtc.Peer;

namespace RtcBench.Janus.Tests.Support;

/// <summary>Our side of a failure: what each of our peer connections reached and why it ended (they log nothing themselves).</summary>
internal static class PeerReport
{
    public static string Describe(IEnumerable<PeerConnection> peers)
    {
        var text = new StringBuilder();
        int i = 0;
        foreach (var pc in peers)
        {
            var t = pc.Timings;
            text.Append(CultureInfo.InvariantCulture, $"our peer {i++}: {(pc.IsOfferer ? "offerer" : "answerer")}, ice {(pc.IsIceLite ? "lite" : "full")} {pc.IceRole}, ");
            text.Append(CultureInfo.InvariantCulture, $"dtls {pc.DtlsRole?.ToString() ?? "?"}, state {pc.State}, connect outcome ");
            text.Append(pc.WhenConnected.IsCompleted ? pc.WhenConnected.Result.ToString() : "(pending)");
            text.Append(CultureInfo.InvariantCulture, $", end {pc.Outcome?.ToString() ?? "(not ended)"}, pair {pc.SelectedPair?.ToString() ?? "none"}, ");
            text.Append(CultureInfo.InvariantCulture, $"ice {t.IceMs?.ToString(CultureInfo.InvariantCulture) ?? "-"} ms, dtls {t.DtlsMs?.ToString(CultureInfo.InvariantCulture) ?? "-"} ms, sctp {t.SctpMs?.ToString(CultureInfo.InvariantCulture) ?? "-"} ms after start, dropped {pc.Dropped}, callback errors {pc.CallbackErrors}\n");
        }

        return text.ToString();
    }
}
