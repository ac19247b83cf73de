namespace RtcBench.Platforms;

/// <summary>
/// The evidence that an echo is gone.
/// </summary>
/// <param name="NoticedNs">When it was noticed (monotonic ns, the run's clock).</param>
/// <param name="Detail">The evidence in one line, e.g. "the agent closed the WebRTC connection (SCTP ABORT)".</param>
/// <param name="Definitive">
/// True when the echo's side said so (it closed, it left). False when only the path to it is known to have failed
/// (e.g. ICE consent expired): the runner then asks the agent and adds what it answered to the detail.
/// </param>
public sealed record EchoLoss(long NoticedNs, string Detail, bool Definitive);
