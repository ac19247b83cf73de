namespace RtcBench.Storage.Ado;

/// <summary>
/// The <c>locations</c> column of <c>rollups_all_locations</c> (migration 0009): the distinct location keys of the
/// runs a row pooled (<see cref="Rollups.LocationKey"/>: '0' for none, '1' + the name), sorted by code point and joined
/// by a line feed (a location name holds no control character: <c>Validation/TextRules.Name</c>).
/// </summary>
internal static class AllLocations
{
    private const char Separator = '\n';

    /// <summary>The column holding <paramref name="keys"/>.</summary>
    public static string Join(IEnumerable<string> keys) =>
        string.Join(Separator, keys.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));

    /// <summary>The column with <paramref name="key"/> added; null when it holds it already (nothing to write).</summary>
    public static string? Add(string stored, string key)
    {
        var keys = stored.Length == 0 ? [] : stored.Split(Separator);
        int at = Array.BinarySearch(keys, key, StringComparer.Ordinal);
        if (at >= 0)
        {
            return null;
        }
        var added = new List<string>(keys);
        added.Insert(~at, key);
        return string.Join(Separator, added);
    }

    /// <summary>The location keys of the column.</summary>
    public static string[] Keys(string stored) => stored.Length == 0 ? [] : stored.Split(Separator);

    /// <summary>The locations of the column (null: runs without one), as groups list them: names in code-point order, then null.</summary>
    public static IReadOnlyList<string?> Locations(string stored)
    {
        var keys = Keys(stored);
        var locations = new List<string?>(keys.Length);
        bool none = false;
        foreach (string key in keys)
        {
            if (key == "0")
            {
                none = true;
            }
            else
            {
                locations.Add(key[1..]);
            }
        }
        if (none)
        {
            locations.Add(null);
        }
        return locations;
    }
}
