using System.Diagnostics;
using System.Net;
using System.Text;
using System.Threading.Channels;
using RtcBench.Rtc.Core;
using RtcBench.Rtc.DataChannels;
using RtcBench.Rtc.Dtls;
using RtcBench.Rtc.Ice;
using RtcBench.Rtc.Sctp;

namespace RtcBench.Rtc.Tests.Core;

/// <summary>
/// Interop cross-check: an <see cref="RtcCore"/> (ICE-lite, its managed DTLS engine, SCTP, DCEP) against BouncyCastle's
/// DTLS (the Bouncy <see cref="DtlsSession"/>, an independent implementation) over an in-memory pipe. The other end's
/// ICE (a full controlling <see cref="IceAgent"/>) and SCTP (<see cref="SctpAssociation"/>, answering DCEP by hand) are
/// ours, so what this proves independently is the DTLS: the handshake, the keys, and every record both ways carrying
/// SCTP. BouncyCastle runs on its own thread and the real monotonic clock (it needs both), so the core here is driven on
/// that clock too; the virtual-time tests (RtcCoreSimulationTests) cover loss, and the interop matrix covers other stacks.
/// </summary>
public sealed class RtcCoreBouncyCastleTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private static readonly IPEndPoint CoreAddress = new(IPAddress.Parse("10.1.0.1"), 5001);
    private static readonly IPEndPoint PeerAddress = new(IPAddress.Parse("10.1.0.2"), 5002);

    [Theory]
    [InlineData(DtlsRole.Client)]
    [InlineData(DtlsRole.Server)]
    public async Task CoreAgainstBouncyCastleDtls_HandshakeKeysDcepMessagesAndCloseNotify(DtlsRole coreRole)
    {
        using var run = new Harness(coreRole);
        int channel = run.Core.OpenChannel(run.Now(), new RtcChannelOptions { Label = "cross" });

        await run.PumpUntilAsync(() => run.Core.Channel(channel).State == RtcChannelState.Open).WaitAsync(Patience);

        // Same suite, EMS and SRTP profile on both ends, and the exported SRTP keys mirror each other byte for byte.
        var ours = run.Core.Dtls.Negotiated!;
        var theirs = run.Bc.Negotiated!;
        Assert.Equal(0xC02B, theirs.CipherSuite);
        Assert.Equal(theirs.CipherSuite, ours.CipherSuite);
        Assert.True(theirs.ExtendedMasterSecret);
        Assert.Equal(theirs.SrtpProfile, ours.SrtpProfile);
        Assert.Equal(run.Bc.SrtpKeyingMaterial!.RemoteMasterKey.ToArray(), run.Core.Dtls.SrtpKeyingMaterial!.LocalMasterKey.ToArray());
        Assert.Equal(run.Bc.SrtpKeyingMaterial.LocalMasterKey.ToArray(), run.Core.Dtls.SrtpKeyingMaterial.RemoteMasterKey.ToArray());
        Assert.Equal("cross", run.PeerOpenedLabel);

        // A message each way through BouncyCastle's records: the harness echoes "pong:" + what it got.
        run.Core.HandleInput(run.Now(), RtcInput.Send(channel, "ping"u8, isText: true));
        await run.PumpUntilAsync(() => run.CoreReceived.Count == 1).WaitAsync(Patience);
        Assert.Equal("pong:ping", Encoding.UTF8.GetString(run.CoreReceived[0]));

        // Close: SCTP SHUTDOWN through the records, then close_notify, which BouncyCastle reads as the peer's.
        var bcClosed = new TaskCompletionSource<DtlsCloseReason>(TaskCreationOptions.RunContinuationsAsynchronously);
        run.Bc.Closed += (_, reason) => bcClosed.TrySetResult(reason);
        run.Core.HandleInput(run.Now(), RtcInput.Close);
        await run.PumpUntilAsync(() => run.Core.State == RtcCoreState.Closed && bcClosed.Task.IsCompleted && run.Sctp.IsTerminated)
            .WaitAsync(Patience);
        Assert.Equal(RtcCloseReason.Local, run.Core.CloseReason);
        Assert.Equal(DtlsCloseReason.PeerCloseNotify, await bcClosed.Task);
        Assert.Equal(0, run.Sctp.Stats.ChecksumErrors); // and SHUTDOWN-COMPLETE, before close_notify, ended its association
    }

    [Theory]
    [InlineData(DtlsRole.Client)]
    [InlineData(DtlsRole.Server)]
    public async Task CoreAgainstBouncyCastleDtls_WrongFingerprintOnEitherSide_TypedFailure(DtlsRole coreRole)
    {
        using var run = new Harness(coreRole, coreExpects: DtlsCertificate.Generate().Fingerprint);

        await run.PumpUntilAsync(() => run.Core.State == RtcCoreState.Failed).WaitAsync(Patience);

        Assert.Equal(RtcFailureReason.DtlsFingerprintMismatch, run.Core.Failure);
        Assert.Equal(42, run.Core.DtlsAlert); // bad_certificate sent
        var bcFailure = await Assert.ThrowsAsync<DtlsHandshakeException>(() => run.BcHandshake).WaitAsync(Patience);
        Assert.Equal(DtlsFailureReason.Alert, bcFailure.Reason);
    }

    /// <summary>The core on one side; BouncyCastle's DTLS, our ICE agent and our SCTP on the other; one test thread pumps.</summary>
    private sealed class Harness : IDisposable
    {
        private readonly Channel<(bool IsRecordData, byte[] Bytes)> _fromBc = Channel.CreateUnbounded<(bool, byte[])>();
        private readonly IceAgent _ice;
        private readonly byte[] _packet = new byte[1163];

        internal Harness(DtlsRole coreRole, DtlsFingerprint? coreExpects = null)
        {
            var coreCertificate = DtlsCertificate.Generate();
            var bcCertificate = DtlsCertificate.Generate();
            var coreIce = IceCredentials.Generate();
            var peerIce = IceCredentials.Generate();
            Core = new RtcCore(new RtcCoreOptions
            {
                LocalEndpoint = CoreAddress,
                LocalIce = coreIce,
                RemoteIce = peerIce,
                IceMode = RtcIceMode.Lite,
                DtlsRole = coreRole,
                Certificate = coreCertificate,
                RemoteFingerprint = coreExpects ?? bcCertificate.Fingerprint,
            });
            _ice = new IceAgent(peerIce, coreIce, new IceAgentOptions { Role = IceRole.Controlling, RemoteIsLite = true });
            _ice.AddRemoteCandidate(CoreAddress, 2_130_706_431);
            _ice.Start(Now());
            Bc = new DtlsSession(new DtlsSessionOptions
            {
                Role = coreRole == DtlsRole.Client ? DtlsRole.Server : DtlsRole.Client,
                Certificate = bcCertificate,
                RemoteFingerprint = coreCertificate.Fingerprint,
                HandshakeTimeout = TimeSpan.FromSeconds(30),
            }, datagram => _fromBc.Writer.TryWrite((false, datagram.ToArray())), new DtlsSessionSettings { Engine = DtlsEngine.Bouncy });
            Bc.DataReceived += data => _fromBc.Writer.TryWrite((true, data.ToArray()));
            Sctp = new SctpAssociation(new SctpOptions { MaxPacketSize = _packet.Length });
            BcHandshake = Bc.HandshakeAsync(CancellationToken.None); // as client its ClientHello may beat our ICE: the core keeps it
            BcHandshake.ContinueWith(_ => { }, TaskScheduler.Default);
        }

        internal RtcCore Core { get; }

        internal DtlsSession Bc { get; }

        internal Task BcHandshake { get; }

        internal SctpAssociation Sctp { get; }

        internal List<byte[]> CoreReceived { get; } = [];

        internal string? PeerOpenedLabel { get; private set; }

        internal long Now() => (long)(Stopwatch.GetTimestamp() * (1e9 / Stopwatch.Frequency));

        internal async Task PumpUntilAsync(Func<bool> done)
        {
            Step();
            while (!done())
            {
                long next = Math.Min(Math.Min(Core.NextTimeoutNs, _ice.NextTimeoutNs), Sctp.NextTimeoutNs);
                using var wait = new CancellationTokenSource();
                if (next != RtcTime.Never)
                {
                    wait.CancelAfter(TimeSpan.FromMilliseconds(Math.Max(0, (next - Now()) / 1e6)));
                }

                try
                {
                    await _fromBc.Reader.WaitToReadAsync(wait.Token);
                }
                catch (OperationCanceledException)
                {
                    // A deadline: Step fires the timers.
                }

                Step();
            }
        }

        public void Dispose()
        {
            Bc.Dispose();
            Core.Dispose();
        }

        /// <summary>One pass: timers, BouncyCastle's datagrams and records, then everything each side has to say.</summary>
        private void Step()
        {
            long now = Now();
            _ice.HandleTimeout(now);
            Core.HandleInput(now, RtcInput.Timeout);
            Sctp.HandleTimeout(now);
            while (_fromBc.Reader.TryRead(out var item))
            {
                if (item.IsRecordData)
                {
                    Sctp.HandleInput(now, item.Bytes);
                }
                else
                {
                    Core.HandleInput(now, RtcInput.Receive(item.Bytes, PeerAddress, CoreAddress));
                }
            }

            bool moved = true;
            while (moved)
            {
                moved = DrainIce() | DrainCore(now) | DrainSctp(now);
            }
        }

        private bool DrainIce()
        {
            bool any = false;
            while (_ice.TryPollTransmit(out var transmit))
            {
                any = true;
                Core.HandleInput(Now(), RtcInput.Receive(transmit.Payload, PeerAddress, CoreAddress));
            }

            while (_ice.TryPollEvent(out _))
            {
            }

            return any;
        }

        private bool DrainCore(long now)
        {
            bool any = false;
            while (true)
            {
                var output = Core.PollOutput();
                switch (output.Kind)
                {
                    case RtcOutputKind.Timeout:
                        return any;
                    case RtcOutputKind.Transmit:
                        any = true;
                        Assert.Equal(PeerAddress, output.Destination);
                        if (output.Data.Span[0] <= 3)
                        {
                            _ice.HandleDatagram(now, output.Data.Span, CoreAddress);
                        }
                        else
                        {
                            Bc.HandleDatagram(output.Data.Span);
                        }

                        break;
                    case RtcOutputKind.Message:
                        CoreReceived.Add(output.Data.ToArray());
                        break;
                }
            }
        }

        private bool DrainSctp(long now)
        {
            bool any = false;
            while (Sctp.TryPollEvent(out SctpEvent? ev, out var message))
            {
                any = true;
                if (ev is not null)
                {
                    continue;
                }

                if (message.Ppid == Ppid.Dcep)
                {
                    if (DcepCodec.TryRead(message.Data, out var dcep) && dcep is DcepOpen open)
                    {
                        PeerOpenedLabel = open.Label;
                        Sctp.Send(message.StreamId, Ppid.Dcep, DcepCodec.Encode(DcepAck.Instance));
                    }
                }
                else
                {
                    byte[] pong = [.. "pong:"u8, .. message.Data];
                    Sctp.Send(message.StreamId, Ppid.String, pong);
                }
            }

            if (Bc.State == DtlsSessionState.Connected)
            {
                if (Sctp.State == SctpState.Closed && !Sctp.IsTerminated)
                {
                    Sctp.Connect(); // both ends send INIT, as usrsctp and dcSCTP do
                }

                while (Sctp.TryPollTransmit(_packet, out int length))
                {
                    any = true;
                    Bc.Send(_packet.AsSpan(0, length));
                }
            }

            return any;
        }
    }
}
