using RtcBench.Cli.Output;
using RtcBench.Storage;

namespace RtcBench.Cli.Commands;

/// <summary>
/// The RUN-ID of <c>results show</c>: a full run id, or a prefix of at least <see cref="MinPrefix"/> hex digits that
/// names exactly one stored run (as git takes a short commit hash). Dashes and upper case are allowed.
/// </summary>
internal static class RunIdArgument
{
    public const int MinPrefix = 4;

    /// <summary>How many candidates an ambiguous prefix lists.</summary>
    public const int MaxCandidates = 10;

    /// <summary>Lower-case hex without dashes; false with a usage error when it cannot be (part of) a run id.</summary>
    public static bool TryNormalize(string text, out string id, out string error)
    {
        id = text.Trim().Replace("-", "", StringComparison.Ordinal).ToLowerInvariant();
        error = "";
        if (id.Length == 0 || id.Length > 32 || !id.All(Uri.IsHexDigit))
        {
            error = $"'{text}' is not a run id (32 hex digits) or the start of one";
            return false;
        }
        if (id.Length < MinPrefix)
        {
            error = $"'{text}' is too short: give at least {MinPrefix} hex digits of the run id";
            return false;
        }
        return true;
    }

    /// <summary>
    /// The full id of the one stored run <paramref name="id"/> names, or null after reporting why not: not found
    /// (exit <see cref="ExitCodes.NotFound"/>) or an ambiguous prefix (exit <see cref="ExitCodes.Usage"/>, with the
    /// candidates listed).
    /// </summary>
    public static async Task<(string? RunId, int Exit)> ResolveAsync(
        CliContext ctx, IResultStore store, string id, StoreSpec where, CancellationToken ct)
    {
        var matches = await store.FindRunIdsAsync(id, MaxCandidates + 1, ct);
        if (matches.Count == 1)
        {
            return (matches[0], ExitCodes.Ok);
        }
        if (matches.Count == 0)
        {
            return (null, ctx.Fail(ExitCodes.NotFound, id.Length == 32
                ? $"no run {id} in {where}"
                : $"no stored run id starts with '{id}' in {where}"));
        }
        ctx.Fail(ExitCodes.Usage, $"run id prefix '{id}' is ambiguous: {(matches.Count > MaxCandidates ? $"more than {MaxCandidates}" : matches.Count.ToString(System.Globalization.CultureInfo.InvariantCulture))} stored runs start with it; give more digits:");
        foreach (string candidate in matches.Take(MaxCandidates))
        {
            var run = await store.GetRunAsync(candidate, includePings: false, ct);
            ctx.Error.WriteLine(run is null
                ? $"rtcbench:   {candidate}"
                : $"rtcbench:   {candidate}  {run.Platform}/{run.Channel}  {run.Location ?? "-"}  {Format.Time(run.StartedAt)}");
        }
        return (null, ExitCodes.Usage);
    }
}
