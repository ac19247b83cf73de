using RtcBench.Rtc.Dtls;

namespace RtcBench.Rtc.Tests.Dtls.Managed;

/// <summary>Drains a <see cref="DtlsManagedEngine"/>'s outputs into lists a test can inspect.</summary>
internal sealed class ManagedEngineDriver(DtlsManagedEngine engine) : IDisposable
{
    internal DtlsManagedEngine Engine { get; } = engine;

    internal List<byte[]> Received { get; } = [];

    internal List<DtlsOutputKind> Events { get; } = [];

    internal bool Connected => Events.Contains(DtlsOutputKind.Connected);

    internal bool Failed => Events.Contains(DtlsOutputKind.Failed);

    /// <summary>Polls until Timeout; transmits go to <paramref name="transmit"/> (copied), data and events are recorded.</summary>
    internal void Drain(Action<byte[]> transmit)
    {
        while (true)
        {
            var output = Engine.PollOutput();
            switch (output.Kind)
            {
                case DtlsOutputKind.Timeout:
                    return;
                case DtlsOutputKind.Transmit:
                    transmit(output.Data.ToArray());
                    break;
                case DtlsOutputKind.Data:
                    Received.Add(output.Data.ToArray());
                    break;
                default:
                    Events.Add(output.Kind);
                    break;
            }
        }
    }

    public void Dispose() => Engine.Dispose();
}
