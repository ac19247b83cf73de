using System.Text.Json.Serialization;

namespace RtcBench.LiveKit.Auth;

/// <summary>
/// Source-generated JSON for the token claims. Unset values are left out (LiveKit's <c>omitempty</c>): false for the
/// plain flags, null for the nullable permissions and strings. Unknown keys in tokens are ignored.
/// </summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingDefault)]
[JsonSerializable(typeof(VideoGrant))]
internal sealed partial class LiveKitJsonContext : JsonSerializerContext;
