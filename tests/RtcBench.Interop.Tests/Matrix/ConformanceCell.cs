using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using RtcBench.Interop.Tests.Peers;
using RtcBench.Rtc.Dtls;
using RtcBench.Rtc.Net;
using RtcBench.Rtc.Peer;
using RtcBench.Rtc.Sdp;
using Xunit.Abstractions;

namespace RtcBench.Interop.Tests.Matrix;

/// <summary>
/// Runs one matrix cell between our <see cref="PeerConnection"/> and an independent stack, and records it
/// (<see cref="InteropResults"/>, suite <c>matrix</c>). The offerer opens two channels of the cell's kind,
/// <c>data</c> and <c>spare</c>. Then: both open on both sides, with the DTLS role and ICE mode the cell names; on
/// <c>data</c>, each direction sends the batches of <see cref="CellBatches"/>, and the receiver must get each batch
/// intact: all of it in order on a reliable channel; on unordered maxRetransmits-0 in any order, where a loss passes
/// only as PR-SCTP abandonment (see <see cref="ExchangeAsync"/>) and is named in the detail; finally
/// we close <c>data</c> and they close <c>spare</c>, and each side must see both closed while the connection stays up.
/// </summary>
internal sealed partial class ConformanceCell : IAsyncDisposable
{
    public const string Suite = "matrix";

    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan CellTimeout = TimeSpan.FromMinutes(3);

    private readonly IInteropPeer _peer;
    private readonly CellOfferer _offerer;
    private readonly CellDtls _dtls;
    private readonly CellIce _ice;
    private readonly CellChannel _channel;
    private readonly string _pc = "cell-" + Guid.NewGuid().ToString("N")[..12];
    private readonly ConcurrentDictionary<string, OurChannel> _ours = new();
    private readonly TaskCompletionSource _bothOurs = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly long _logMark;
    private readonly List<string> _notes = [];
    private PeerConnection? _us;

    /// <summary>Our lite answerer's shared socket: the echo agent runs its direct sessions so (Rtc/Net/UdpMux).</summary>
    private UdpMux? _shared;
    private string _step = "create";

    private ConformanceCell(IInteropPeer peer, CellOfferer offerer, CellDtls dtls, CellIce ice, CellChannel channel)
    {
        _peer = peer;
        _offerer = offerer;
        _dtls = dtls;
        _ice = ice;
        _channel = channel;
        _logMark = peer.LogMark();
    }

    private bool Lossy => _channel == CellChannel.UnorderedRexmit0;

    /// <summary>Runs the cell, appends its result line, and fails the test with both sides' errors when it fails.</summary>
    public static async Task RunAsync(IInteropPeer peer, CellOfferer offerer, CellDtls dtls, CellIce ice, CellChannel channel, ITestOutputHelper output)
    {
        string detail;
        bool passed = false;
        await using (var cell = new ConformanceCell(peer, offerer, dtls, ice, channel))
        {
            try
            {
                detail = await cell.RunCoreAsync().WaitAsync(CellTimeout);
                passed = true;
            }
            catch (Exception ex)
            {
                detail = await cell.FailureAsync(ex);
            }
        }

        InteropResults.Append(new InteropResult(Suite, peer.Stack, peer.Version, MatrixCells.Name(offerer), MatrixCells.Name(dtls),
            MatrixCells.Name(ice), MatrixCells.Name(channel), passed, detail));
        output.WriteLine($"{peer.Stack} {peer.Version}: {detail}");
        Assert.True(passed, detail);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _peer.CallAsync(new JsonObject { ["cmd"] = "closePeer", ["pc"] = _pc }, TimeSpan.FromSeconds(15));
        }
        catch (PeerCommandException)
        {
            // The stack is gone or stuck; its process or page is closed by its fixture.
        }

        if (_us is not null)
        {
            await _us.DisposeAsync();
        }

        _shared?.Dispose();
    }

    private async Task<string> RunCoreAsync()
    {
        string theirSdp = await ConnectAsync();
        int largest = LargestMessage(theirSdp);

        _step = "open";
        var open = await Call(new JsonObject { ["cmd"] = "waitOpen", ["pc"] = _pc, ["labels"] = new JsonArray("data", "spare"), ["ms"] = 15000 });
        await _bothOurs.Task.WaitAsync(StepTimeout);
        foreach (var ours in _ours.Values)
        {
            Check(await ours.Channel.WhenOpen.WaitAsync(StepTimeout), $"our channel {ours.Channel} did not open");
        }

        long connectedMs = _clock.ElapsedMilliseconds;
        Check(open["connection"]?.GetValue<string>() == "connected", $"{_peer.Stack} has its channels open but reports its connection {open["connection"]}");
        _step = "roles";
        var expectedRole = _dtls == CellDtls.Client ? DtlsRole.Client : DtlsRole.Server;
        Check(_us!.DtlsRole == expectedRole, $"we are DTLS {_us.DtlsRole}, the cell wants {expectedRole}");
        Check(_us.IsIceLite == (_ice == CellIce.Lite), $"our ICE is {(_us.IsIceLite ? "lite" : "full")}, the cell wants {MatrixCells.Name(_ice)}");

        foreach (var (name, messages) in CellBatches.For("them", largest))
        {
            _step = $"them → us: {name}";
            await TheyToUsAsync(name, messages);
        }

        foreach (var (name, messages) in CellBatches.For("us", largest))
        {
            _step = $"us → them: {name}";
            await UsToThemAsync(name, messages);
        }

        _step = "we close 'data'";
        _ours["data"].Channel.Close();
        await Call(new JsonObject { ["cmd"] = "waitClosed", ["pc"] = _pc, ["label"] = "data", ["ms"] = 15000 });
        await _ours["data"].WhenClosed.WaitAsync(StepTimeout);

        _step = "they close 'spare'";
        await Call(new JsonObject { ["cmd"] = "closeChannel", ["pc"] = _pc, ["label"] = "spare" });
        await _ours["spare"].WhenClosed.WaitAsync(StepTimeout);
        await Call(new JsonObject { ["cmd"] = "waitClosed", ["pc"] = _pc, ["label"] = "spare", ["ms"] = 15000 });
        Check(_us.State == PeerConnectionState.Connected, $"our connection is {_us.State} after the channels closed ({_us.Outcome})");
        var after = await Call(new JsonObject { ["cmd"] = "describe", ["pc"] = _pc });
        Check(after["connection"]?.GetValue<string>() == "connected", $"{_peer.Stack} reports its connection {after["connection"]} after the channels closed");

        _step = "sctp counters";
        var sctp = _us.SctpStats!;
        Check(sctp.MalformedPackets == 0,
            $"our SCTP counted {sctp.MalformedPackets} malformed chunk(s) (last type {sctp.LastMalformedChunkType}) from {_peer.Stack}, an RFC-conformant peer");

        string streams = string.Join(", ", open["channels"]!.AsArray().Select(c => $"{c!["label"]} {c["id"]}"));
        return $"pass: every batch {(Lossy ? "intact" : "in order and intact")} both ways; large message {largest} B " +
            $"({LargestReason(theirSdp, largest)}); closed from each side; streams {streams}; up in {connectedMs} ms" + string.Concat(_notes.Select(n => "; " + n));
    }

    /// <summary>Offer and answer; returns the other stack's SDP once our connection is up.</summary>
    private async Task<string> ConnectAsync()
    {
        bool ordered = !Lossy;
        int? maxRetransmits = Lossy ? 0 : null;
        var options = new PeerConnectionOptions
        {
            LocalAddress = _peer.OurAddress,
            AnswerSetup = _dtls == CellDtls.Client ? SdpSetup.Active : SdpSetup.Passive,
            AnswererIceMode = _ice == CellIce.Lite ? AnswererIceMode.Lite : AnswererIceMode.Full,
        };
        string theirSdp;
        if (_offerer == CellOfferer.Us)
        {
            await Call(new JsonObject { ["cmd"] = "create", ["pc"] = _pc });
            _us = PeerConnection.CreateOfferer(options);
            foreach (string label in new[] { "data", "spare" })
            {
                _ours[label] = new OurChannel(_us.CreateDataChannel(label, ordered, maxRetransmits));
            }

            _bothOurs.TrySetResult();

            _step = "they answer our offer";
            // The answerer's a=setup makes the roles: passive when we are to be the DTLS client.
            var answer = await Call(new JsonObject
            {
                ["cmd"] = "answer", ["pc"] = _pc, ["sdp"] = _us.CreateOffer(), ["setup"] = _dtls == CellDtls.Client ? "passive" : "active",
            });
            theirSdp = answer["sdp"]!.GetValue<string>();
            _step = "we apply their answer";
            _us.SetRemoteAnswer(theirSdp);
        }
        else
        {
            var channels = new JsonArray(
                new JsonObject { ["label"] = "data", ["ordered"] = ordered, ["maxRetransmits"] = maxRetransmits },
                new JsonObject { ["label"] = "spare", ["ordered"] = ordered, ["maxRetransmits"] = maxRetransmits });
            await Call(new JsonObject { ["cmd"] = "create", ["pc"] = _pc, ["channels"] = channels });
            _step = "they offer";
            theirSdp = (await Call(new JsonObject { ["cmd"] = "offer", ["pc"] = _pc }))["sdp"]!.GetValue<string>();
            _step = "we answer their offer";
            if (_ice == CellIce.Lite)
            {
                // As the echo agent answers: on a UDP socket shared with other sessions, routed by ufrag and address.
                _shared = new UdpMux(new IPEndPoint(_peer.OurAddress, 0), PeerConnectionOptions.DefaultClock, "cell-mux-receive", Math.Clamp(Environment.ProcessorCount, 1, 16));
                options = options with { SharedSocket = _shared };
                _notes.Add("our lite answerer on a shared socket (UdpMux), as the agent runs it");
            }

            _us = PeerConnection.AcceptOffer(theirSdp, options);
            _us.DataChannelOpened += channel =>
            {
                _ours[channel.Label] = new OurChannel(channel);
                if (_ours.ContainsKey("data") && _ours.ContainsKey("spare"))
                {
                    _bothOurs.TrySetResult();
                }
            };
            _step = "they apply our answer";
            await Call(new JsonObject { ["cmd"] = "setAnswer", ["pc"] = _pc, ["sdp"] = _us.LocalDescription });
        }

        _step = "connect (ICE, DTLS, SCTP)";
        var outcome = await _us.WhenConnected.WaitAsync(TimeSpan.FromSeconds(40));
        Check(outcome.Connected, $"our connection failed: {outcome}");
        return theirSdp;
    }

    private async Task TheyToUsAsync(string name, IReadOnlyList<CellMessage> messages)
    {
        if (name == CellBatches.Empty && KnownDeviations.CannotSendEmptyMessages(_peer.Stack))
        {
            _notes.Add($"{_peer.Stack} sent no empty message (it cannot: no DATA chunk, a stream sequence number lost)");
            return;
        }

        var inbox = _ours["data"];
        var command = new JsonObject
        {
            ["cmd"] = "send", ["pc"] = _pc, ["label"] = "data", ["messages"] = new JsonArray([.. messages.Select(m => (JsonNode)m.ToCommand())]),
        };
        await ExchangeAsync(name, "us", messages,
            async () => await Call(command.DeepClone().AsObject()),
            async wait => [.. (await inbox.TakeAsync(messages.Count, wait)).Select(m => m.Digest)],
            abandonedBySender: null);
    }

    private async Task UsToThemAsync(string name, IReadOnlyList<CellMessage> messages)
    {
        var channel = _ours["data"].Channel;
        await ExchangeAsync(name, "them", messages,
            () =>
            {
                foreach (var m in messages)
                {
                    Check(m.IsText ? channel.SendText(m.Data) : channel.Send(m.Data), $"our channel refused {m} ({_ours["data"]})");
                }

                return Task.CompletedTask;
            },
            async wait =>
            {
                var reply = await Call(new JsonObject
                {
                    ["cmd"] = "take", ["pc"] = _pc, ["label"] = "data", ["count"] = messages.Count, ["partial"] = true, ["ms"] = (int)wait.TotalMilliseconds,
                });
                return [.. reply["messages"]!.AsArray().Select(d => CellMessage.DigestOf(d!))];
            },
            abandonedBySender: () => _us!.SctpStats?.MessagesAbandoned ?? 0);
    }

    /// <summary>
    /// Sends one batch and checks what the receiver got. Reliable: everything, in order. Unordered maxRetransmits 0:
    /// every arrival intact and sent once; a loss passes only as PR-SCTP abandoning a message that would need a
    /// retransmission (a CPU stall on a loaded runner is enough): never a whole batch, and when we send, our SCTP must
    /// have abandoned at least as many messages as went missing (their SCTP we cannot see; the loss is reported). A
    /// batch of one (the large message) gets three tries, since its fragments are abandoned together.
    /// </summary>
    private async Task ExchangeAsync(string name, string receiver, IReadOnlyList<CellMessage> messages, Func<Task> send,
        Func<TimeSpan, Task<List<string>>> take, Func<long>? abandonedBySender)
    {
        var sent = messages.Select(m => m.Digest).ToList();
        bool single = Lossy && messages.Count == 1;
        for (int attempt = 1; ; attempt++)
        {
            long abandoned = abandonedBySender?.Invoke() ?? 0;
            await send();
            var got = await take(single ? TimeSpan.FromSeconds(3) : StepTimeout);
            var (problem, lost) = Compare(sent, got);
            if (problem is not null)
            {
                throw new CellException($"{receiver} received {got.Count} of {messages.Count}: {problem}");
            }

            if (lost == 0)
            {
                return;
            }

            if (single && attempt < 3)
            {
                continue;
            }

            Check(got.Count > 0, $"{receiver} received none of {messages.Count}{(single ? " in 3 tries" : "")}");
            long ourAbandoned = (abandonedBySender?.Invoke() ?? 0) - abandoned;
            Check(abandonedBySender is null || ourAbandoned >= lost, $"{receiver} received {got.Count} of {messages.Count}: {lost} lost, yet our SCTP abandoned {ourAbandoned}");
            _notes.Add($"{name}: {lost} of {messages.Count} lost towards {receiver} on the maxRetransmits-0 channel" +
                (abandonedBySender is null ? "" : $", abandoned by our SCTP ({ourAbandoned})"));
            return;
        }
    }

    /// <summary>
    /// Reliable: a problem unless <paramref name="got"/> is <paramref name="sent"/> in order. Unordered: a problem for
    /// anything not sent or received twice; the count of messages that did not arrive.
    /// </summary>
    private (string? Problem, int Lost) Compare(List<string> sent, List<string> got)
    {
        if (!Lossy)
        {
            for (int i = 0; i < Math.Max(sent.Count, got.Count); i++)
            {
                if (i >= got.Count)
                {
                    return ($"#{i} and after never arrived (first missing {sent[i]})", 0);
                }

                if (i >= sent.Count || sent[i] != got[i])
                {
                    int at = sent.IndexOf(got[i]);
                    return ($"#{i} is {(at >= 0 ? $"message #{at}" : "not a message that was sent")} ({got[i]}), expected {(i < sent.Count ? sent[i] : "nothing")}", 0);
                }
            }

            return (null, 0);
        }

        var pending = sent.GroupBy(s => s).ToDictionary(g => g.Key, g => g.Count());
        foreach (string digest in got)
        {
            if (!pending.TryGetValue(digest, out int left) || left == 0)
            {
                return ($"received {digest}, which was not sent (or arrived twice)", 0);
            }

            pending[digest] = left - 1;
        }

        return (null, pending.Values.Sum());
    }

    /// <summary>64 KiB, or less when they advertise less (0 means no limit, RFC 8841 §6); we advertise 262144.</summary>
    private static int LargestMessage(string theirSdp) => MaxMessageSize(theirSdp) is > 0 and < 65536 and var theirs ? (int)theirs : 65536;

    private static string LargestReason(string theirSdp, int largest) =>
        $"they advertise {(MaxMessageSizeLine().IsMatch(theirSdp) ? MaxMessageSize(theirSdp).ToString(CultureInfo.InvariantCulture) : "none, so 65536")}, we 262144";

    private static long MaxMessageSize(string sdp) =>
        MaxMessageSizeLine().Match(sdp) is { Success: true } m ? long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : 65536;

    [GeneratedRegex(@"a=max-message-size:(\d+)")]
    private static partial Regex MaxMessageSizeLine();

    private async Task<JsonObject> Call(JsonObject command) => await _peer.CallAsync(command, TimeSpan.FromSeconds(60));

    private static void Check(bool condition, string message)
    {
        if (!condition)
        {
            throw new CellException(message);
        }
    }
}
