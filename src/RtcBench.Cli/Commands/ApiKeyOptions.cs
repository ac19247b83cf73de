using System.CommandLine;
using RtcBench.Cli.Parsing;

namespace RtcBench.Cli.Commands;

/// <summary>
/// The agent API key: <c>--api-key-file PATH</c>, else <c>$RTCBENCH_AGENT_KEY</c>, else <c>--api-key</c>
/// (visible to other users in the process list: prefer the environment or a file). Never printed.
/// </summary>
internal sealed class ApiKeyOptions
{
    public Option<string?> ApiKey { get; } = new("--api-key") { HelpName = "key", Description = "Agent API key (prefer $RTCBENCH_AGENT_KEY or --api-key-file: command lines are visible to other users)." };

    public Option<FileInfo?> ApiKeyFile { get; } = CliOption.File("--api-key-file", "Read the agent API key from this file (first line).");

    public void AddTo(Command command)
    {
        command.Options.Add(ApiKey);
        command.Options.Add(ApiKeyFile);
    }

    /// <summary>Resolves the key; returns false with an error when the file cannot be read or is empty.</summary>
    public bool TryResolve(ParseResult parse, CliContext ctx, out string? key, out string error)
    {
        error = "";
        key = null;
        var file = parse.GetValue(ApiKeyFile);
        if (file is not null)
        {
            try
            {
                key = File.ReadLines(file.FullName).FirstOrDefault()?.Trim();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                error = $"cannot read --api-key-file {file.FullName}: {ex.Message}";
                return false;
            }
            if (string.IsNullOrEmpty(key))
            {
                error = $"--api-key-file {file.FullName} is empty";
                return false;
            }
            return true;
        }
        key = parse.GetValue(ApiKey);
        if (string.IsNullOrEmpty(key))
        {
            key = ctx.GetEnvironment("RTCBENCH_AGENT_KEY");
        }
        if (string.IsNullOrWhiteSpace(key))
        {
            key = null;
        }
        return true;
    }
}
