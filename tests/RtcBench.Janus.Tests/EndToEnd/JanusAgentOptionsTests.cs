using RtcBench.Agent;

namespace RtcBench.Janus.Tests.EndToEnd;

public sealed class JanusAgentOptionsTests
{
    private static Func<string, string?> Env(params (string Name, string Value)[] values) =>
        name => values.FirstOrDefault(v => v.Name == name).Value;

    [Fact]
    public void FromEnvironment_NothingSet_Off()
    {
        var options = JanusAgentOptions.FromEnvironment(Env());
        Assert.False(options.Enabled);
        Assert.Empty(options.Validate());
    }

    [Fact]
    public void FromEnvironment_AllSet_OnWithEachValue()
    {
        var options = JanusAgentOptions.FromEnvironment(Env(("JANUS_URL", " ws://janus:8188/ "), ("JANUS_API_SECRET", "s3cret"),
            ("JANUS_ADMIN_KEY", "k3y"), ("JANUS_TEXTROOM_ADMIN_KEY", "tk3y"), ("JANUS_TOKEN", "t0ken")));
        Assert.True(options.Enabled);
        Assert.Equal(("ws://janus:8188/", "s3cret", "k3y", "tk3y", "t0ken"),
            (options.Url!.AbsoluteUri, options.ApiSecret, options.AdminKey, options.TextRoomAdminKey, options.Token));
        Assert.Empty(options.Validate());
        Assert.Equal(("s3cret", "t0ken"), (options.ClientOptions().ApiSecret, options.ClientOptions().Token));
    }

    [Fact]
    public void FromEnvironment_KeyWithoutUrl_RefusedNamingTheVariableNotTheValue()
    {
        var error = Assert.Throws<AgentConfigurationException>(() => JanusAgentOptions.FromEnvironment(Env(("JANUS_ADMIN_KEY", "k3y"))));
        Assert.Contains("JANUS_URL", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("k3y", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("janus:8088")]
    [InlineData("ftp://janus/")]
    [InlineData("http://janus:8088/janus?apisecret=x")]
    public void FromEnvironment_NotAJanusApiUrl_Refused(string url)
    {
        var error = Assert.Throws<AgentConfigurationException>(() => JanusAgentOptions.FromEnvironment(Env(("JANUS_URL", url))));
        Assert.Contains("JANUS_URL", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToStringAndValidate_NeverShowSecrets()
    {
        var options = new JanusAgentOptions { Url = new Uri("http://janus:8088/janus"), ApiSecret = "s3cret", AdminKey = "k3y", JoinTimeout = TimeSpan.Zero };
        string text = options + string.Join(" ", options.Validate());
        Assert.DoesNotContain("s3cret", text, StringComparison.Ordinal);
        Assert.DoesNotContain("k3y", text, StringComparison.Ordinal);
        Assert.Contains("api secret set", text, StringComparison.Ordinal);
        Assert.Contains("JoinTimeout", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AgentHost_InvalidJanusOptions_RefusesToStartListingTheProblem()
    {
        var error = await Assert.ThrowsAsync<AgentConfigurationException>(() => AgentHost.StartAsync(new AgentOptions
        {
            Janus = new JanusAgentOptions { AdminKey = "k3y" },
        }));
        Assert.Contains("Janus.Url", error.Message, StringComparison.Ordinal);
    }
}
