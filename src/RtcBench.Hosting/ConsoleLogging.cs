using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace RtcBench.Hosting;

/// <summary>
/// The logs of the long-running commands (agent, serve), all on stderr: one plain line per event (text, the
/// default), or one JSON object per line (json: timestamp, level, category, event id, message and the message's
/// named values under <c>State</c>) for a log collector. Chosen by <c>--log-format</c> or <see cref="FormatVariable"/>.
/// </summary>
public static class ConsoleLogging
{
    /// <summary>The environment variable that picks the format when <c>--log-format</c> is not given.</summary>
    public const string FormatVariable = "RTCBENCH_LOG_FORMAT";

    /// <summary>The formats, as the CLI spells them.</summary>
    public static readonly string[] Formats = ["text", "json"];

    /// <summary>
    /// The format from the flag (when given) or else the environment value; false with a one-line error naming
    /// where the bad value came from.
    /// </summary>
    public static bool TryResolveFormat(string? flag, string? environment, out bool json, out string error)
    {
        error = "";
        string? value = flag ?? (string.IsNullOrWhiteSpace(environment) ? null : environment.Trim());
        json = string.Equals(value, "json", StringComparison.OrdinalIgnoreCase);
        if (value is null || json || string.Equals(value, "text", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }
        string source = flag is null ? $"${FormatVariable}" : "--log-format";
        string shown = value.Length > 20 ? value[..20] + "…" : value;
        error = $"{source}: unknown log format '{shown}'; use text or json";
        return false;
    }

    /// <summary>A console logger factory on stderr at <paramref name="level"/> (ASP.NET Core's own at Warning).</summary>
    public static ILoggerFactory Create(LogLevel level, bool json) => LoggerFactory.Create(builder =>
    {
        builder.SetMinimumLevel(level);
        builder.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.AddFilter("Microsoft.Hosting", LogLevel.Warning);
        if (json)
        {
            builder.AddJsonConsole(o =>
            {
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
                o.UseUtcTimestamp = true;
                o.IncludeScopes = true;
                o.JsonWriterOptions = new JsonWriterOptions { Indented = false };
            });
        }
        else
        {
            builder.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "HH:mm:ss.fff ";
                o.UseUtcTimestamp = true;
            });
        }
        builder.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
    });
}
