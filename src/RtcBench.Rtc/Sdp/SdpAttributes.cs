namespace RtcBench.Rtc.Sdp;

/// <summary>Lookups over an attribute list; names compare case-insensitively.</summary>
internal static class SdpAttributes
{
    public static bool Has(EquatableArray<SdpAttribute> attributes, string name)
    {
        foreach (var attribute in attributes)
        {
            if (string.Equals(attribute.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The trimmed value of the first attribute called <paramref name="name"/>, or null.</summary>
    public static string? Find(EquatableArray<SdpAttribute> attributes, string name)
    {
        foreach (var attribute in attributes)
        {
            if (string.Equals(attribute.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return attribute.TrimmedValue;
            }
        }

        return null;
    }

    public static List<string> FindAll(EquatableArray<SdpAttribute> attributes, string name)
    {
        var values = new List<string>();
        foreach (var attribute in attributes)
        {
            if (string.Equals(attribute.Name, name, StringComparison.OrdinalIgnoreCase) && attribute.TrimmedValue is { } value)
            {
                values.Add(value);
            }
        }

        return values;
    }

    public static EquatableArray<SdpFingerprint> Fingerprints(EquatableArray<SdpAttribute> attributes)
    {
        var list = new List<SdpFingerprint>();
        foreach (var value in FindAll(attributes, SdpNames.Fingerprint))
        {
            if (SdpFingerprint.TryParse(value, out var fingerprint))
            {
                list.Add(fingerprint!);
            }
        }

        return new EquatableArray<SdpFingerprint>(list);
    }

    public static SdpSetup? Setup(EquatableArray<SdpAttribute> attributes) =>
        SdpNames.TryParseSetup(Find(attributes, SdpNames.Setup), out var setup) ? setup : null;
}
