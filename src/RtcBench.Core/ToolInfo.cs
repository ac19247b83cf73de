using System.Reflection;

namespace RtcBench.Core;

/// <summary>The tool's version as stamped into every result and shown by <c>--version</c>.</summary>
public static class ToolInfo
{
    public static string Version { get; } =
        typeof(ToolInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? "0.0.0";
}
