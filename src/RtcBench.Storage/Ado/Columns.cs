using System.Data.Common;

namespace RtcBench.Storage.Ado;

/// <summary>Reads a column by name: a field added to a select list is read where it is named, whatever its position.</summary>
internal static class Columns
{
    public static string Text(this DbDataReader reader, string name) => reader.GetString(reader.GetOrdinal(name));

    public static string? NullableText(this DbDataReader reader, string name) => NullableText(reader, reader.GetOrdinal(name));

    public static string? NullableText(this DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    public static int Int32(this DbDataReader reader, string name) => reader.GetInt32(reader.GetOrdinal(name));

    public static int? NullableInt32(this DbDataReader reader, string name)
    {
        int ordinal = reader.GetOrdinal(name);
        return reader.IsDBNull(ordinal) ? null : reader.GetInt32(ordinal);
    }

    public static long Int64(this DbDataReader reader, string name) => reader.GetInt64(reader.GetOrdinal(name));

    public static double Double(this DbDataReader reader, string name) => reader.GetDouble(reader.GetOrdinal(name));

    public static double? NullableDouble(this DbDataReader reader, string name) => NullableDouble(reader, reader.GetOrdinal(name));

    public static double? NullableDouble(this DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetDouble(ordinal);

    public static byte[] Bytes(this DbDataReader reader, string name) => reader.GetFieldValue<byte[]>(reader.GetOrdinal(name));
}
