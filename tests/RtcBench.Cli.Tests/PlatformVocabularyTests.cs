using RtcBench.Platforms;
using RtcBench.Storage.Validation;

namespace RtcBench.Cli.Tests;

/// <summary>The results service refuses unknown platforms: every platform the runner can measure must be known to it.</summary>
public sealed class PlatformVocabularyTests
{
    [Fact]
    public void RunnerPlatforms_AllKnownToTheResultsService()
    {
        Assert.All(PlatformCatalog.Names, name => Assert.Contains(name, KnownValues.Platforms));
    }
}
