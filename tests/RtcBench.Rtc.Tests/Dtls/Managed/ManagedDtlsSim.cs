using RtcBench.Rtc.Dtls;

namespace RtcBench.Rtc.Tests.Dtls.Managed;

/// <summary>
/// Two managed engines over a seeded, simulated network in virtual time (no sockets, no clock): each datagram may be
/// lost, duplicated or delayed by a random amount (which reorders), and time jumps to the next delivery or timer.
/// </summary>
internal sealed class ManagedDtlsSim : IDisposable
{
    private const long Millisecond = 1_000_000;
    private readonly Random _random;
    private readonly PriorityQueue<(bool ToServer, byte[] Bytes), (long At, long Order)> _inFlight = new();
    private long _order;

    internal ManagedDtlsSim(
        int seed,
        Func<DtlsSessionOptions, DtlsSessionOptions>? client = null,
        Func<DtlsSessionOptions, DtlsSessionOptions>? server = null,
        int mtu = DtlsManagedEngine.DefaultMtu)
    {
        _random = new Random(seed);
        ClientCertificate = DtlsCertificate.Generate();
        ServerCertificate = DtlsCertificate.Generate();
        var clientOptions = Options(DtlsRole.Client);
        var serverOptions = Options(DtlsRole.Server);
        Client = new ManagedEngineDriver(DtlsManagedEngine.Create(client?.Invoke(clientOptions) ?? clientOptions, mtu));
        Server = new ManagedEngineDriver(DtlsManagedEngine.Create(server?.Invoke(serverOptions) ?? serverOptions, mtu));
    }

    internal DtlsCertificate ClientCertificate { get; }

    internal DtlsCertificate ServerCertificate { get; }

    internal ManagedEngineDriver Client { get; }

    internal ManagedEngineDriver Server { get; }

    internal long NowNs { get; private set; }

    internal double Loss { get; init; }

    internal double Duplication { get; init; }

    /// <summary>Each datagram is delayed 1 ms plus up to this much (uniform), which reorders datagrams.</summary>
    internal long JitterNs { get; init; }

    /// <summary>Sees (and may replace or drop, by returning null) every datagram as it is sent.</summary>
    internal Func<bool, byte[], byte[]?>? Tap { get; init; }

    internal long SentDatagrams { get; private set; }

    /// <summary>Every datagram sent, when (virtual ns), which way, and whether the network lost it.</summary>
    internal List<(long AtNs, bool ToServer, byte ContentType, bool Lost)> Sends { get; } = [];

    /// <summary>What was sent when, and what the network lost: printed by failing tests.</summary>
    internal List<string> Log { get; } = [];

    private DtlsSessionOptions Options(DtlsRole role) => new()
    {
        Role = role,
        Certificate = role == DtlsRole.Client ? ClientCertificate : ServerCertificate,
        RemoteFingerprint = role == DtlsRole.Client ? ServerCertificate.Fingerprint : ClientCertificate.Fingerprint,
    };

    internal void Start()
    {
        Server.Engine.Start(NowNs);
        Client.Engine.Start(NowNs);
        DrainBoth();
    }

    /// <summary>Runs until both sides are connected or one failed, or nothing is left to happen.</summary>
    internal void RunHandshake(int maxSteps = 100_000) => RunUntil(() => (Client.Connected && Server.Connected) || Client.Failed || Server.Failed, maxSteps);

    /// <summary>Runs every delivery and timer due at or before <paramref name="endNs"/>, in order; time stops at the last.</summary>
    internal void RunTo(long endNs) => RunUntil(() => false, endNs: endNs);

    internal void RunUntil(Func<bool> done, int maxSteps = 100_000, long endNs = long.MaxValue)
    {
        for (int step = 0; step < maxSteps && !done(); step++)
        {
            long nextTimer = Math.Min(Client.Engine.NextTimeoutNs, Server.Engine.NextTimeoutNs);
            long nextDelivery = _inFlight.TryPeek(out _, out var when) ? when.At : long.MaxValue;
            if ((nextTimer == long.MaxValue && nextDelivery == long.MaxValue) || Math.Min(nextTimer, nextDelivery) > endNs)
            {
                return;
            }

            if (nextDelivery <= nextTimer)
            {
                var (toServer, bytes) = _inFlight.Dequeue();
                NowNs = nextDelivery;
                (toServer ? Server : Client).Engine.HandleDatagram(NowNs, bytes);
            }
            else
            {
                NowNs = nextTimer;
                Client.Engine.HandleTimeout(NowNs);
                Server.Engine.HandleTimeout(NowNs);
            }

            DrainBoth();
        }
    }

    internal void DrainBoth()
    {
        Client.Drain(bytes => Transmit(toServer: true, bytes));
        Server.Drain(bytes => Transmit(toServer: false, bytes));
    }

    public void Dispose()
    {
        Client.Dispose();
        Server.Dispose();
    }

    private void Transmit(bool toServer, byte[] bytes)
    {
        SentDatagrams++;
        if (Tap is { } tap)
        {
            if (tap(toServer, bytes) is not { } replaced)
            {
                Sends.Add((NowNs, toServer, bytes[0], true));
                return;
            }

            bytes = replaced;
        }

        bool lost = _random.NextDouble() < Loss;
        Sends.Add((NowNs, toServer, bytes[0], lost));
        if (lost)
        {
            Log.Add($"{NowNs / 1e6:0.0} ms {(toServer ? "c>s" : "s>c")} {bytes.Length} B type {bytes[0]} LOST");
            return;
        }

        Log.Add($"{NowNs / 1e6:0.0} ms {(toServer ? "c>s" : "s>c")} {bytes.Length} B type {bytes[0]}");

        int copies = _random.NextDouble() < Duplication ? 2 : 1;
        for (int i = 0; i < copies; i++)
        {
            long delay = Millisecond + (JitterNs > 0 ? (long)(_random.NextDouble() * JitterNs) : 0);
            _inFlight.Enqueue((toServer, bytes), (NowNs + delay, _order++));
        }
    }
}
