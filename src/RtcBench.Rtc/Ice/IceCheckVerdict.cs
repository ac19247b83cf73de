namespace RtcBench.Rtc.Ice;

/// <summary>What <see cref="IceCheckInspector"/> concluded about an incoming Binding request.</summary>
internal enum IceCheckVerdict
{
    /// <summary>Authenticated, with everything an ICE check needs; role not yet examined.</summary>
    Valid,

    /// <summary>FINGERPRINT present but wrong: not really STUN, drop silently.</summary>
    FingerprintFailure,

    /// <summary>Wrong method, or USERNAME / MESSAGE-INTEGRITY missing: answer 400 without integrity.</summary>
    BadRequest,

    /// <summary>USERNAME is not ours: answer 401 without integrity.</summary>
    Unauthenticated,

    /// <summary>MESSAGE-INTEGRITY does not verify: drop silently and count.</summary>
    IntegrityFailure,

    /// <summary>Authenticated, but carries comprehension-required attributes we do not know: answer 420.</summary>
    UnknownAttributes,

    /// <summary>Authenticated, but FINGERPRINT or PRIORITY missing: answer 400 with integrity.</summary>
    BadCheck,
}
