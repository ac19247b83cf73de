namespace RtcBench.Interop.Tests;

/// <summary>
/// Debian's Chromium, which these tests drive for real. scripts/test.sh installs it; without it the tests fail
/// with the install hint (they are never skipped).
/// </summary>
internal static class Chromium
{
    public const string Path = "/usr/bin/chromium";

    public static void Require()
    {
        if (!File.Exists(Path))
        {
            throw new InvalidOperationException($"{Path} is not installed: run scripts/test.sh or apt-get install -y chromium");
        }
    }
}
