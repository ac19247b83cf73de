namespace RtcBench.Deploy.Tests.Support;

/// <summary>Paths in the repository the tests run from.</summary>
internal static class Repo
{
    public static string Root { get; } = FindRoot();

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "RtcBench.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"RtcBench.sln not found above {AppContext.BaseDirectory}");
    }
}
