using System.Net;
using System.Net.Sockets;
using RtcBench.Rtc.Net;

namespace RtcBench.Rtc.Tests.Net;

public sealed class HostRouteTests
{
    [Theory]
    [InlineData("127.0.0.1", "127.0.0.1")]
    [InlineData("[::1]", "::1")]
    [InlineData("::1", "::1")]
    [InlineData("10.1.2.3", "10.1.2.3")]
    public async Task Resolve_Literal_IsTakenAsIs(string host, string expected) =>
        Assert.Equal(IPAddress.Parse(expected), await HostRoute.ResolveAsync(host, CancellationToken.None));

    [Fact]
    public async Task Resolve_Localhost_PrefersIpv4()
    {
        // /etc/hosts answers; no DNS query leaves the machine.
        var address = await HostRoute.ResolveAsync("localhost", CancellationToken.None);

        Assert.Equal(AddressFamily.InterNetwork, address.AddressFamily);
        Assert.True(IPAddress.IsLoopback(address));
    }

    [Theory]
    [InlineData("127.0.0.1", "127.0.0.1")]
    [InlineData("127.0.0.9", "127.0.0.1")]
    [InlineData("::1", "::1")]
    public void SourceTowards_Loopback_IsLoopbackOfTheSameFamily(string remote, string expected) =>
        Assert.Equal(IPAddress.Parse(expected), HostRoute.SourceTowards(IPAddress.Parse(remote)));
}
