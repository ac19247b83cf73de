namespace RtcBench.Platforms.Daily;

/// <summary>What to ask of <c>POST /rooms</c>.</summary>
public sealed record DailyRoomRequest
{
    /// <summary>Room name: only [A-Za-z0-9_-], at most 128 characters; unique per benchmark room.</summary>
    public required string Name { get; init; }

    /// <summary>No joins after this time; with <see cref="EjectAtExpiry"/> everyone is ejected then.</summary>
    public required DateTimeOffset ExpiresAt { get; init; }

    public bool EjectAtExpiry { get; init; } = true;

    public DailyTopology Topology { get; init; } = DailyTopology.Sfu;

    /// <summary>Optional region pin (Daily's <c>geo</c> property, e.g. "eu-central-1").</summary>
    public string? Geo { get; init; }

    /// <summary>Benchmark rooms hold the runner and the echo participant.</summary>
    public int MaxParticipants { get; init; } = 2;

    /// <summary>The problems with this request (empty when valid).</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrEmpty(Name) || Name.Length > 128 || !Name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
        {
            errors.Add($"room name '{Name}' must be 1-128 characters of A-Z, a-z, 0-9, '_' or '-'");
        }
        if (MaxParticipants is < 2 or > 200)
        {
            errors.Add($"max participants must be between 2 and 200 (got {MaxParticipants})");
        }
        if (Geo is not null && (Geo.Length is 0 or > 64 || !Geo.All(c => char.IsAsciiLetterOrDigit(c) || c == '-')))
        {
            errors.Add($"geo '{Geo}' is not a region id such as eu-central-1");
        }
        return errors;
    }
}
