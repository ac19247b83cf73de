using System.Text.Json;

namespace RtcBench.Janus.Plugins;

/// <summary>Optional members: written only when set.</summary>
internal static class JsonWriting
{
    public static void Optional(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }

    public static void Optional(Utf8JsonWriter writer, string name, long? value)
    {
        if (value is long v)
        {
            writer.WriteNumber(name, v);
        }
    }

    public static void Optional(Utf8JsonWriter writer, string name, bool? value)
    {
        if (value is bool v)
        {
            writer.WriteBoolean(name, v);
        }
    }
}
