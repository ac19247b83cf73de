using System.Net;
using RtcBench.Testing;

namespace RtcBench.Rtc.Tests.Turn;

/// <summary>
/// A real coturn for a test class or collection (<see cref="CoturnProcess"/>: Debian's <c>turnserver</c> as a child
/// process) on free loopback ports, or on <see cref="ListenAddress"/> (e.g. the root side of a test network namespace),
/// long-term credentials <see cref="Username"/>:<see cref="Password"/> in realm <see cref="Realm"/>. Ready once it
/// answers a STUN Binding request; killed at the end.
/// </summary>
public sealed class CoturnServer : IAsyncLifetime
{
    public const string Username = CoturnProcess.Username;
    public const string Password = CoturnProcess.Password;
    public const string Realm = CoturnProcess.Realm;
    public const int RelayPorts = CoturnProcess.RelayPorts;

    private CoturnProcess? _process;

    /// <summary>Where coturn listens and relays (set before <see cref="InitializeAsync"/>); loopback by default.</summary>
    public IPAddress ListenAddress { get; init; } = IPAddress.Loopback;

    public IPEndPoint Endpoint => Started.Endpoint;

    public int MinRelayPort => Started.MinRelayPort;

    public int MaxRelayPort => Started.MaxRelayPort;

    /// <summary>What the server printed so far (for failure messages).</summary>
    public string Output => _process?.Output ?? string.Empty;

    private CoturnProcess Started => _process ?? throw new InvalidOperationException("coturn has not been started.");

    public async Task InitializeAsync() => _process = await CoturnProcess.StartAsync(ListenAddress);

    public Task DisposeAsync()
    {
        _process?.Dispose();
        return Task.CompletedTask;
    }
}
