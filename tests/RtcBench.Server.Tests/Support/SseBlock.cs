namespace RtcBench.Server.Tests.Support;

/// <summary>One block of a text/event-stream: its fields and comment lines.</summary>
public sealed class SseBlock
{
    public List<string> Comments { get; } = [];

    public List<string> Other { get; } = [];

    public string? Event { get; set; }

    public string? Id { get; set; }

    public string? Data { get; set; }

    public string? Retry { get; set; }
}
