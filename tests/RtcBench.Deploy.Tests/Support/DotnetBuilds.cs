namespace RtcBench.Deploy.Tests.Support;

/// <summary>
/// One <c>dotnet pack</c>/<c>dotnet publish</c> of src/RtcBench.Cli at a time in this test run: the tool package
/// (framework-dependent) and the image's single-file publish (linux-x64) restore the same projects' obj/ folders, and
/// their fixtures start together.
/// </summary>
internal static class DotnetBuilds
{
    public static readonly SemaphoreSlim Gate = new(1, 1);
}
