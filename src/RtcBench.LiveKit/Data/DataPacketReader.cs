namespace RtcBench.LiveKit.Data;

/// <summary>
/// Reads the <c>DataPacket</c> fields we use from received bytes without allocating (the per-pong receive path):
/// kind (1), user (2: payload 2, participant_identity 5), participant_identity (4), sequence (16),
/// participant_sid (17). Every other field is skipped by wire type, as protobuf does. Never throws: truncated or
/// malformed input (bad varint, length past the end, group or unknown wire type, field number 0) returns false.
/// </summary>
internal static class DataPacketReader
{
    public static bool TryRead(ReadOnlySpan<byte> data, out DataPacketView packet)
    {
        packet = default;
        bool isUser = false;
        int kind = 0;
        uint sequence = 0;
        ReadOnlySpan<byte> payload = default, identity = default, userIdentity = default, sid = default, user = default;
        int at = 0;
        while (at < data.Length)
        {
            if (!TryReadVarint(data, ref at, out ulong tag) || tag >> 3 == 0 || tag >> 3 > int.MaxValue)
            {
                return false;
            }

            int field = (int)(tag >> 3);
            int wireType = (int)(tag & 7);
            switch (field, wireType)
            {
                case (1, 0):
                    if (!TryReadVarint(data, ref at, out ulong k))
                    {
                        return false;
                    }

                    kind = (int)k;
                    break;
                case (2, 2):
                    if (!TryReadBytes(data, ref at, out user) || !TryReadUser(user, out payload, out userIdentity))
                    {
                        return false;
                    }

                    isUser = true;
                    break;
                case (4, 2):
                    if (!TryReadBytes(data, ref at, out identity))
                    {
                        return false;
                    }

                    break;
                case (16, 0):
                    if (!TryReadVarint(data, ref at, out ulong s))
                    {
                        return false;
                    }

                    sequence = (uint)s;
                    break;
                case (17, 2):
                    if (!TryReadBytes(data, ref at, out sid))
                    {
                        return false;
                    }

                    break;
                default:
                    if (field is 3 or >= 6 and <= 15 or 18 && wireType == 2)
                    {
                        isUser = false; // Another case of the oneof `value` replaces the user packet (last one wins).
                    }

                    if (!TrySkip(data, ref at, wireType))
                    {
                        return false;
                    }

                    break;
            }
        }

        packet = new DataPacketView(isUser, kind, payload, identity.IsEmpty ? userIdentity : identity, sid, sequence);
        return true;
    }

    private static bool TryReadUser(ReadOnlySpan<byte> data, out ReadOnlySpan<byte> payload, out ReadOnlySpan<byte> identity)
    {
        payload = default;
        identity = default;
        int at = 0;
        while (at < data.Length)
        {
            if (!TryReadVarint(data, ref at, out ulong tag) || tag >> 3 == 0 || tag >> 3 > int.MaxValue)
            {
                return false;
            }

            int field = (int)(tag >> 3);
            int wireType = (int)(tag & 7);
            bool ok = (field, wireType) switch
            {
                (2, 2) => TryReadBytes(data, ref at, out payload),
                (5, 2) => TryReadBytes(data, ref at, out identity),
                _ => TrySkip(data, ref at, wireType),
            };
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    private static bool TrySkip(ReadOnlySpan<byte> data, scoped ref int at, int wireType)
    {
        switch (wireType)
        {
            case 0:
                return TryReadVarint(data, ref at, out _);
            case 1:
                at += 8;
                return at <= data.Length;
            case 2:
                return TryReadBytes(data, ref at, out _);
            case 5:
                at += 4;
                return at <= data.Length;
            default:
                return false; // Groups (3, 4) are not used by LiveKit; 6 and 7 do not exist.
        }
    }

    private static bool TryReadBytes(ReadOnlySpan<byte> data, scoped ref int at, out ReadOnlySpan<byte> value)
    {
        value = default;
        if (!TryReadVarint(data, ref at, out ulong length) || length > (ulong)(data.Length - at))
        {
            return false;
        }

        value = data.Slice(at, (int)length);
        at += (int)length;
        return true;
    }

    internal static bool TryReadVarint(ReadOnlySpan<byte> data, scoped ref int at, out ulong value)
    {
        value = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            if (at >= data.Length)
            {
                return false;
            }

            byte b = data[at++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return true;
            }
        }

        return false;
    }
}
