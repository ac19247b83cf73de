using System.Globalization;

namespace RtcBench.Storage.Postgres;

/// <summary>
/// Run ids are 32 lower-case hex digits in the API and <c>uuid</c> in PostgreSQL. Npgsql maps <see cref="Guid"/>
/// to uuid by its text form, and PostgreSQL orders uuids bytewise, which is the order of the hex text.
/// </summary>
internal static class PostgresRunId
{
    /// <summary>The uuid of a run id that passed <see cref="RunValidator.IsRunId"/>.</summary>
    public static Guid ToGuid(string runId) => Guid.ParseExact(runId, "N");

    public static string FromGuid(Guid id) => id.ToString("N", CultureInfo.InvariantCulture);
}
