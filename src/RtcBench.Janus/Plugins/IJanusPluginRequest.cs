using System.Text.Json;

namespace RtcBench.Janus.Plugins;

/// <summary>
/// The <c>body</c> of a Janus <c>message</c> request: a plugin request (<c>{"request":"…",…}</c>). Implementations
/// write their members into the body object the writer has opened. A request that carries a secret (a room secret,
/// an admin key, a PIN) must not print it in <see cref="object.ToString"/>.
/// </summary>
public interface IJanusPluginRequest
{
    /// <summary>The <c>request</c> verb (for logs and errors).</summary>
    string Request { get; }

    /// <summary>Writes the body's members (the object is already open).</summary>
    void WriteBody(Utf8JsonWriter writer);
}
