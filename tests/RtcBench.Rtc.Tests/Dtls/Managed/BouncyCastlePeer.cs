using System.Diagnostics;
using System.Threading.Channels;
using RtcBench.Rtc.Dtls;

namespace RtcBench.Rtc.Tests.Dtls.Managed;

/// <summary>
/// Our managed engine against BouncyCastle (a <see cref="DtlsSession"/> with the Bouncy engine) as the independent
/// peer, over an in-memory transport. BouncyCastle runs on its own thread and its own clock (it needs both); the
/// managed engine runs on the test's thread, fed each datagram BouncyCastle sends and its timers fired on the
/// monotonic clock. Optional impairment drops chosen datagrams in either direction.
/// </summary>
internal sealed class BouncyCastlePeer : IDisposable
{
    private readonly Channel<byte[]> _fromBc = Channel.CreateUnbounded<byte[]>();
    private int _toBcCount;
    private int _fromBcCount;

    internal BouncyCastlePeer(
        DtlsRole managedRole,
        Func<DtlsSessionOptions, DtlsSessionOptions>? managed = null,
        Func<DtlsSessionOptions, DtlsSessionOptions>? bouncy = null,
        int mtu = DtlsManagedEngine.DefaultMtu)
    {
        var managedCertificate = DtlsCertificate.Generate();
        var bcCertificate = DtlsCertificate.Generate();
        var bcRole = managedRole == DtlsRole.Client ? DtlsRole.Server : DtlsRole.Client;
        var managedOptions = new DtlsSessionOptions
        {
            Role = managedRole,
            Certificate = managedCertificate,
            RemoteFingerprint = bcCertificate.Fingerprint,
        };
        var bcOptions = new DtlsSessionOptions
        {
            Role = bcRole,
            Certificate = bcCertificate,
            RemoteFingerprint = managedCertificate.Fingerprint,
            HandshakeTimeout = TimeSpan.FromSeconds(30),
        };
        Managed = new ManagedEngineDriver(DtlsManagedEngine.Create(managed?.Invoke(managedOptions) ?? managedOptions, mtu));
        Bc = new DtlsSession(bouncy?.Invoke(bcOptions) ?? bcOptions, datagram =>
        {
            int index = Interlocked.Increment(ref _fromBcCount) - 1;
            if (DropFromBc?.Invoke(index) != true)
            {
                _fromBc.Writer.TryWrite(datagram.ToArray());
            }
        }, new DtlsSessionSettings { Engine = DtlsEngine.Bouncy });
        Bc.DataReceived += data =>
        {
            lock (BcReceived)
            {
                BcReceived.Add(data.ToArray());
            }
        };
    }

    internal ManagedEngineDriver Managed { get; }

    internal DtlsSession Bc { get; }

    internal List<byte[]> BcReceived { get; } = [];

    /// <summary>Datagram indices (counted per direction from 0) to drop.</summary>
    internal Func<int, bool>? DropFromBc { get; init; }

    internal Func<int, bool>? DropToBc { get; init; }

    /// <summary>Runs both handshakes to their end; returns BouncyCastle's failure, if any (the managed one is in its engine).</summary>
    internal async Task<Exception?> HandshakeAsync()
    {
        var bcHandshake = Bc.HandshakeAsync(CancellationToken.None);
        Managed.Engine.Start(NowNs());
        Managed.Drain(ToBc);
        while (Managed.Engine.State == DtlsManagedState.Handshaking)
        {
            await PumpOnceAsync();
        }

        try
        {
            await bcHandshake;
            return null;
        }
        catch (DtlsHandshakeException e)
        {
            return e;
        }
    }

    /// <summary>Feeds the managed engine the next datagram from BouncyCastle, or fires its timer when that comes first.</summary>
    internal async Task PumpOnceAsync()
    {
        long next = Managed.Engine.NextTimeoutNs;
        using var wait = new CancellationTokenSource();
        if (next != long.MaxValue)
        {
            wait.CancelAfter(TimeSpan.FromMilliseconds(Math.Max(0, (next - NowNs()) / 1_000_000.0)));
        }

        try
        {
            await _fromBc.Reader.WaitToReadAsync(wait.Token);
        }
        catch (OperationCanceledException)
        {
            Managed.Engine.HandleTimeout(NowNs());
            Managed.Drain(ToBc);
            return;
        }

        while (_fromBc.Reader.TryRead(out var datagram))
        {
            Managed.Engine.HandleDatagram(NowNs(), datagram);
            Managed.Drain(ToBc);
        }
    }

    /// <summary>Pumps until <paramref name="done"/> holds.</summary>
    internal async Task PumpUntilAsync(Func<bool> done)
    {
        while (!done())
        {
            await PumpOnceAsync();
        }
    }

    public void Dispose()
    {
        Bc.Dispose();
        Managed.Dispose();
    }

    private static long NowNs() => (long)(Stopwatch.GetTimestamp() * (1e9 / Stopwatch.Frequency));

    private void ToBc(byte[] datagram)
    {
        if (DropToBc?.Invoke(_toBcCount++) != true)
        {
            Bc.HandleDatagram(datagram);
        }
    }
}
