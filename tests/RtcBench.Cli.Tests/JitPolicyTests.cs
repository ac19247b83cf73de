using System.Text.Json;

namespace RtcBench.Cli.Tests;

/// <summary>
/// The warm-up policy's other half: rtcbench runs without tiered JIT, so the warm-up pings get every method on the
/// ping's path compiled fully optimised and nothing is recompiled in the background while measured pings go out
/// (bench/results/warmup.md). The setting lives in the runtimeconfig that ships next to rtcbench.dll.
/// </summary>
public sealed class JitPolicyTests
{
    [Fact]
    public void RuntimeConfig_Rtcbench_TurnsTieredCompilationOff()
    {
        string path = Path.Combine(AppContext.BaseDirectory, "rtcbench.runtimeconfig.json");
        Assert.True(File.Exists(path), $"{path} is missing: the Cli test project builds rtcbench next to the tests");

        using var config = JsonDocument.Parse(File.ReadAllText(path));
        var properties = config.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");

        Assert.True(properties.TryGetProperty("System.Runtime.TieredCompilation", out var tiered), "rtcbench sets no tiered-compilation policy");
        Assert.Equal(JsonValueKind.False, tiered.ValueKind);
    }
}
