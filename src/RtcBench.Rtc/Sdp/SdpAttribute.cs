namespace RtcBench.Rtc.Sdp;

/// <summary>
/// One <c>a=</c> line (RFC 8866 §5.13): <c>a=name</c> (a flag, <see cref="Value"/> is null) or <c>a=name:value</c>.
/// The value is kept exactly as received (for example <c>" WMS"</c> in <c>a=msid-semantic: WMS</c>), so unknown
/// attributes round-trip untouched.
/// </summary>
public sealed record SdpAttribute(string Name, string? Value = null)
{
    /// <summary>The value with surrounding blanks removed, or null for a flag.</summary>
    public string? TrimmedValue => Value?.Trim();

    /// <summary>The line body after <c>a=</c>.</summary>
    public override string ToString() => Value is null ? Name : Name + ":" + Value;
}
