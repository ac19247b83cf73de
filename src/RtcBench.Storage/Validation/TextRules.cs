namespace RtcBench.Storage.Validation;

/// <summary>Checks on the strings of a document; every message starts with the field's JSON path.</summary>
internal static class TextRules
{
    /// <summary>A required or optional name: 1..<paramref name="maxLength"/> characters, no control characters.</summary>
    public static string? Name(string field, string? value, bool required, int maxLength = DocumentLimits.MaxNameLength)
    {
        if (value is null)
        {
            return required ? $"{field}: missing" : null;
        }
        if (value.Length == 0 || string.IsNullOrWhiteSpace(value))
        {
            return required ? $"{field}: empty" : $"{field}: empty; leave the field out instead";
        }
        if (value.Length > maxLength)
        {
            return $"{field}: longer than {maxLength} characters";
        }
        foreach (char c in value)
        {
            if (char.IsControl(c))
            {
                return $"{field}: contains the control character U+{(int)c:X4}";
            }
        }
        return null;
    }

    /// <summary>Free text (a reason, a detail): at most <see cref="DocumentLimits.MaxTextLength"/>, no control characters but tab and line breaks.</summary>
    public static string? FreeText(string field, string? value)
    {
        if (value is null)
        {
            return null;
        }
        if (value.Length > DocumentLimits.MaxTextLength)
        {
            return $"{field}: longer than {DocumentLimits.MaxTextLength} characters";
        }
        foreach (char c in value)
        {
            if (char.IsControl(c) && c is not ('\t' or '\n' or '\r'))
            {
                return $"{field}: contains the control character U+{(int)c:X4}";
            }
        }
        return null;
    }

    /// <summary>A value as quoted in a message: at most 40 characters, control characters escaped.</summary>
    public static string Quote(string? value)
    {
        if (value is null)
        {
            return "null";
        }
        string shown = value.Length <= 40 ? value : value[..40] + "…";
        var escaped = new System.Text.StringBuilder(shown.Length + 2).Append('\'');
        foreach (char c in shown)
        {
            escaped.Append(char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString());
        }
        return escaped.Append('\'').ToString();
    }
}
