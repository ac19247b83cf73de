using RtcBench.Rtc.Peer;
using Xunit.Sdk;

namespace RtcBench.Janus.Tests.Support;

/// <summary>
/// Runs one interop matrix cell against a test Janus and records it (<see cref="InteropResults"/>) whatever happens:
/// pass with the body's detail line, or fail with the first line of the reason. A failure is rethrown with our side
/// (<see cref="PeerReport"/>) and the end of Janus's log attached.
/// </summary>
internal sealed class InteropCellRun
{
    private readonly List<PeerConnection> _peers = [];

    private InteropCellRun(string offerer, string ourIce, string channel)
    {
        Offerer = offerer;
        OurIce = ourIce;
        Channel = channel;
    }

    public string Offerer { get; }

    public string OurIce { get; }

    public string Channel { get; }

    /// <summary>client / server, once known (set from the first peer's negotiated role unless a body sets it).</summary>
    public string? OurDtls { get; set; }

    /// <summary>Runs one step of the cell; a failure names <paramref name="step"/> (e.g. the Janus API transport) first.</summary>
    public static async Task<T> StepAsync<T>(string step, Func<Task<T>> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        try
        {
            return await body();
        }
        catch (Exception ex)
        {
            throw new InvalidOperationException($"{step}: {ex.Message}", ex);
        }
    }

    /// <summary>Registers a peer connection for the failure report (and its DTLS role for the cell).</summary>
    public PeerConnection Track(PeerConnection pc)
    {
        _peers.Add(pc);
        return pc;
    }

    public static async Task RunAsync(JanusServer janus, string offerer, string ourIce, string channel, Func<InteropCellRun, Task<string>> body)
    {
        ArgumentNullException.ThrowIfNull(janus);
        ArgumentNullException.ThrowIfNull(body);
        var run = new InteropCellRun(offerer, ourIce, channel);
        string detail;
        try
        {
            detail = await body(run);
        }
        catch (Exception ex)
        {
            string ours = PeerReport.Describe(run._peers);
            string reason = ex.Message.Split('\n', 2)[0];
            run.Record(janus, "fail", reason);
            throw new XunitException(janus.Explain($"{ex}\n--- our side ---\n{ours}"));
        }

        run.Record(janus, "pass", detail);
    }

    private void Record(JanusServer janus, string result, string detail)
    {
        string dtls = OurDtls ?? _peers.Select(p => p.DtlsRole).FirstOrDefault(r => r is not null) switch
        {
            Rtc.Dtls.DtlsRole.Client => "client",
            Rtc.Dtls.DtlsRole.Server => "server",
            _ => "n/a",
        };
        InteropResults.Append(new InteropCell(Offerer, dtls, OurIce, Channel, result, detail), janus.Version);
    }
}
