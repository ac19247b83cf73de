using System.Net;
using System.Text.Json.Nodes;

namespace RtcBench.Interop.Tests.Peers;

/// <summary>
/// An independent WebRTC implementation the tests drive with the commands of node/peer-core.mjs: a node process
/// (<see cref="NodePeer"/>: werift, libdatachannel) or a Chromium page (<see cref="ChromiumPeer"/>).
/// </summary>
internal interface IInteropPeer : IAsyncDisposable
{
    /// <summary>The stack's name in results: <c>werift</c>, <c>libdatachannel</c>, <c>chromium</c>.</summary>
    string Stack { get; }

    /// <summary>What the stack reports of its version.</summary>
    string Version { get; }

    /// <summary>The address our peer binds so that this stack reaches it (loopback, or the root end of Chromium's veth).</summary>
    IPAddress OurAddress { get; }

    /// <summary>Runs one command and returns its reply; throws <see cref="PeerCommandException"/> with the stack's error.</summary>
    Task<JsonObject> CallAsync(JsonObject command, TimeSpan? timeout = null);

    /// <summary>A position in the stack's log: <see cref="DescribeAsync"/> shows only what came after it.</summary>
    long LogMark();

    /// <summary>The stack's view of one peer connection and its errors since <paramref name="since"/>, for failure messages. Never throws.</summary>
    Task<string> DescribeAsync(string pc, long since);
}
