namespace RtcBench.Cli;

/// <summary>
/// The rule for naming this program in hints ("run `rtcbench push`"): the way the user invoked it. The repo launcher
/// (<c>./rtcbench</c>) exports <see cref="Variable"/> as the path it was started by (<c>./rtcbench</c>, or plain
/// <c>rtcbench</c> when that is what PATH finds); the dotnet tool and a bare <c>dotnet rtcbench.dll</c> have no such
/// variable and say <c>rtcbench</c>. A value that is empty, multi-line or has control characters is ignored; one a
/// shell would split is single-quoted so the hint can be pasted.
/// </summary>
public static class InvokedAs
{
    public const string Variable = "RTCBENCH_INVOKED_AS";

    public const string Default = "rtcbench";

    public static string Name(string? invokedAs)
    {
        if (string.IsNullOrWhiteSpace(invokedAs) || invokedAs.Length > 4096 || invokedAs.Any(char.IsControl))
        {
            return Default;
        }
        return invokedAs.All(IsShellSafe) ? invokedAs : "'" + invokedAs.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
    }

    private static bool IsShellSafe(char c) =>
        char.IsAsciiLetterOrDigit(c) || c is '.' or '/' or '_' or '-' or '+' or '@' or ':' or ',' or '%' or '=' || (c > 127 && char.IsLetterOrDigit(c));
}
