using RtcBench.Janus.Client;
using RtcBench.Rtc.Peer;

namespace RtcBench.Janus.Tests.Support;

/// <summary>
/// Waits until our connection to Janus is up, or fails with whichever side gave up first: our connection's outcome,
/// or Janus's <c>hangup</c> (with its reason and the <c>[ERR]</c> lines Janus logged, e.g. "No SRTP profile selected").
/// </summary>
internal static class JanusPeerConnect
{
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(60);

    public static async Task ConnectedAsync(PeerConnection pc, JanusHandle handle, JanusServer janus)
    {
        ArgumentNullException.ThrowIfNull(pc);
        ArgumentNullException.ThrowIfNull(handle);
        ArgumentNullException.ThrowIfNull(janus);
        var first = await Task.WhenAny(pc.WhenConnected, handle.WhenHungUp).WaitAsync(HangGuard);
        if (first == handle.WhenHungUp)
        {
            var hangup = await handle.WhenHungUp;
            throw new InvalidOperationException($"Janus hung up ({hangup.Reason}) before our connection was up; Janus: {await janus.ErrorLinesAsync(handle.Id)}");
        }

        var outcome = await pc.WhenConnected;
        if (!outcome.Connected)
        {
            throw new InvalidOperationException($"our connection to Janus failed: {outcome}; Janus: {await janus.ErrorLinesAsync(handle.Id)}");
        }
    }
}
