using RtcBench.Janus.Plugins;

namespace RtcBench.Janus.Api;

/// <summary>
/// One request to the Janus API before it is written (<see cref="JanusRequestWriter"/>): the verb, the transaction,
/// the session and handle it addresses (the URL path on HTTP, members on WebSocket), and what the verb carries.
/// Credentials are added by the writer, never stored here.
/// </summary>
internal sealed class JanusRequest
{
    public JanusRequest(string verb, string transaction)
    {
        Verb = verb;
        Transaction = transaction;
    }

    /// <summary><c>create</c>, <c>attach</c>, <c>message</c>, <c>trickle</c>, <c>keepalive</c>, <c>hangup</c>, <c>detach</c>, <c>destroy</c>, <c>info</c>.</summary>
    public string Verb { get; }

    public string Transaction { get; }

    public long? SessionId { get; init; }

    public long? HandleId { get; init; }

    /// <summary>The plugin package name of an <c>attach</c>.</summary>
    public string? Plugin { get; init; }

    /// <summary>An opaque id for an <c>attach</c> (shown in the Admin API and event handlers).</summary>
    public string? OpaqueId { get; init; }

    public IJanusPluginRequest? Body { get; init; }

    public JanusJsep? Jsep { get; init; }

    /// <summary>One trickled candidate (or the end marker).</summary>
    public JanusCandidate? Candidate { get; init; }

    /// <summary>Several trickled candidates at once.</summary>
    public IReadOnlyList<JanusCandidate>? Candidates { get; init; }

    /// <summary>Verb, transaction and ids: what a log may show.</summary>
    public override string ToString() => $"{Verb} (transaction {Transaction}, session {SessionId}, handle {HandleId})";
}
