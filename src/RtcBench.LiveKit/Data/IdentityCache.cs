using System.Text;

namespace RtcBench.LiveKit.Data;

/// <summary>
/// Turns the UTF-8 sender identity of a received packet into a string without allocating for identities seen before
/// (a room has a handful): a small copy-on-write table compared byte by byte. A miss allocates the string once and
/// adds it, replacing the oldest entry when full. Reads are lock-free; adds take a lock.
/// </summary>
internal sealed class IdentityCache
{
    private const int Capacity = 64;
    private readonly Lock _gate = new();
    private Entry[] _entries = [];
    private int _next;

    public string Resolve(ReadOnlySpan<byte> utf8)
    {
        if (utf8.IsEmpty)
        {
            return string.Empty;
        }

        var entries = Volatile.Read(ref _entries);
        for (int i = 0; i < entries.Length; i++)
        {
            if (utf8.SequenceEqual(entries[i].Utf8))
            {
                return entries[i].Value;
            }
        }

        string value = Encoding.UTF8.GetString(utf8);
        Add(value);
        return value;
    }

    /// <summary>Pre-loads a known identity (participants from the join response and updates).</summary>
    public void Add(string identity)
    {
        if (string.IsNullOrEmpty(identity))
        {
            return;
        }

        var entry = new Entry(Encoding.UTF8.GetBytes(identity), identity);
        lock (_gate)
        {
            foreach (var existing in _entries)
            {
                if (existing.Value == identity)
                {
                    return;
                }
            }

            Entry[] next;
            if (_entries.Length < Capacity)
            {
                next = [.. _entries, entry];
            }
            else
            {
                next = (Entry[])_entries.Clone();
                next[_next] = entry;
                _next = (_next + 1) % Capacity;
            }

            Volatile.Write(ref _entries, next);
        }
    }

    private readonly record struct Entry(byte[] Utf8, string Value);
}
