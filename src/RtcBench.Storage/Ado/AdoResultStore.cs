using System.Data.Common;
using RtcBench.Core.Results;
using RtcBench.Storage.Queries;

namespace RtcBench.Storage.Ado;

/// <summary>
/// The one implementation of <see cref="IResultStore"/> over ADO.NET: every operation is written once and asks the
/// <see cref="StoreDialect"/> for what differs between SQLite and PostgreSQL. A subclass opens connections,
/// initialises the schema and (for a server) recovers from a lost connection.
/// </summary>
public abstract class AdoResultStore : IResultStore
{
    private readonly SemaphoreSlim _initLock = new(1, 1);
    private volatile SchemaReport? _schema;

    private protected AdoResultStore(StoreDialect dialect)
    {
        Dialect = dialect;
    }

    private protected StoreDialect Dialect { get; }

    /// <summary>
    /// False only for the ingest bench's baseline (bench fleet-scale): saves then leave the rollups alone, which makes
    /// every rollup answer wrong. Never set in the product.
    /// </summary>
    internal bool MaintainRollups { get; set; } = true;

    /// <summary>
    /// False only for the ingest bench's baseline of the save before the rows across locations (migration 0009): saves
    /// then leave <c>rollups_all_locations</c> alone, which makes queries across locations wrong. Never set in the product.
    /// </summary>
    internal bool MaintainAllLocationsRollups { get; set; } = true;

    /// <summary>True once <see cref="DisposeAsync"/> ran.</summary>
    private protected bool Disposed { get; private set; }

    /// <inheritdoc />
    public async Task<SchemaReport> InitializeAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Disposed, this);
        if (_schema is { } done)
        {
            return done;
        }
        await _initLock.WaitAsync(cancellationToken);
        try
        {
            if (_schema is { } raced)
            {
                return raced;
            }
            var report = await InitializeCoreAsync(cancellationToken);
            if (report.FromVersion is > 0 and < Rollups.WeekSchemaVersion && report.ToVersion >= Rollups.WeekSchemaVersion)
            {
                // The migration made an empty rollups table beside existing runs (0003), or emptied it to add the
                // weekly rows (0005): fill it.
                await RebuildRollupsCoreAsync(cancellationToken);
            }
            _schema = report;
            return _schema;
        }
        finally
        {
            _initLock.Release();
        }
    }

    /// <summary>
    /// The part of a migration that is not SQL, in the migration's transaction (<see cref="Migrator.ApplyAsync"/>):
    /// 0008 fills the six-hour rows from the hourly ones and the four-week rows from the weekly ones, so a store
    /// keeps every rollup it had and gains the new grains without reading its runs again; 0009 fills the rows
    /// pre-merged across locations from the rows of every location.
    /// </summary>
    private protected Task AfterMigrationAsync(int version, DbConnection connection, CancellationToken cancellationToken) => version switch
    {
        Rollups.FourWeekSchemaVersion => FillNewGrainsAsync(connection, cancellationToken),
        Rollups.AllLocationsSchemaVersion => Rollups.FillAllLocationsAsync(Dialect, connection, cancellationToken),
        _ => Task.CompletedTask,
    };

    private async Task FillNewGrainsAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await Rollups.FillFromFinerAsync(Dialect, connection, Rollups.HourSeconds, Rollups.SixHourSeconds, cancellationToken);
        await Rollups.FillFromFinerAsync(Dialect, connection, Rollups.WeekSeconds, Rollups.FourWeekSeconds, cancellationToken);
    }

    /// <summary>Creates or migrates the schema (called once, under a lock).</summary>
    private protected abstract Task<SchemaReport> InitializeCoreAsync(CancellationToken cancellationToken);

    /// <summary>Opens a connection.</summary>
    private protected abstract ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>Runs a database operation; a server store drops its pool when the server went away.</summary>
    private protected virtual Task<T> GuardAsync<T>(Func<Task<T>> operation) => operation();

    /// <inheritdoc />
    public Task<SaveOutcome> SaveRunAsync(RunResult run, CancellationToken cancellationToken)
    {
        byte[] histogram = RunValidator.Validate(run);
        return GuardAsync(async () =>
        {
            await InitializeAsync(cancellationToken);
            await using var connection = await OpenAsync(cancellationToken);
            try
            {
                return await SaveOnceAsync(connection, run, histogram, cancellationToken);
            }
            catch (Exception e) when (Dialect.IsMissingPartition(e))
            {
                // The first run of a month (PostgreSQL): the save rolled back; create the month's partitions in a
                // transaction of their own and save again.
                await Dialect.CreatePartitionsAsync(connection, run.StartedAt, cancellationToken);
                return await SaveOnceAsync(connection, run, histogram, cancellationToken);
            }
        });
    }

    /// <summary>
    /// One save in one write transaction, in three round trips on PostgreSQL (SQLite runs the same statements in
    /// process, the pings in a step of their own): (1) the run id claimed, the run row inserted, its five rollup rows
    /// and the five rows of its platform × channel across locations created if missing and read under a row lock, all
    /// in one command; (2) the rollup rows that existed written back with the run merged in, and the pings; (3)
    /// commit. A run id already stored rolls everything back.
    /// </summary>
    private async Task<SaveOutcome> SaveOnceAsync(
        DbConnection connection, RunResult run, byte[] histogram, CancellationToken cancellationToken)
    {
        await using var transaction = await Dialect.BeginWriteAsync(connection, cancellationToken);
        Rollups.RunRollups? rollups = null;
        await using (var command = connection.CreateCommand())
        {
            var sql = new System.Text.StringBuilder(4096);
            RunWriter.AppendInsert(Dialect, command, sql, run, histogram);
            if (MaintainRollups)
            {
                rollups = Rollups.AppendLock(Dialect, command, sql, run, histogram, MaintainAllLocationsRollups);
            }
            command.CommandText = sql.ToString();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            // The run row's RETURNING: a row when this save inserted it, none when the id is taken.
            if (!await reader.ReadAsync(cancellationToken))
            {
                await reader.DisposeAsync();
                await transaction.RollbackAsync(cancellationToken);
                return SaveOutcome.AlreadyExists;
            }
            if (rollups is not null)
            {
                await NextRowsAsync(reader, cancellationToken);
                await rollups.ReadLockedAsync(reader, cancellationToken);
            }
        }
        // (2) The rollup rows written back and (PostgreSQL) the pings, in one command.
        bool pingsWritten;
        await using (var write = connection.CreateCommand())
        {
            var sql = new System.Text.StringBuilder(1024);
            rollups?.AppendWrite(Dialect, write, sql);
            pingsWritten = Dialect.AppendPingsInsert(write, sql, run);
            if (sql.Length > 0)
            {
                write.CommandText = sql.ToString();
                await write.ExecuteNonQueryAsync(cancellationToken);
            }
        }
        if (!pingsWritten)
        {
            await Dialect.InsertPingsAsync(connection, run, cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return SaveOutcome.Inserted;
    }

    /// <summary>Moves to the next result that has columns (statements without any, such as a plain INSERT, are passed).</summary>
    private static async Task NextRowsAsync(DbDataReader reader, CancellationToken cancellationToken)
    {
        while (await reader.NextResultAsync(cancellationToken))
        {
            if (reader.FieldCount > 0)
            {
                return;
            }
        }
        throw new InvalidOperationException("The save's command returned fewer results than it has queries.");
    }

    /// <inheritdoc />
    public Task<RunResult?> GetRunAsync(string runId, bool includePings, CancellationToken cancellationToken)
    {
        if (!RunValidator.IsRunId(runId))
        {
            return Task.FromResult<RunResult?>(null);
        }
        // One snapshot for the run row and its pings.
        return ReadAsync(c => RunReader.GetRunAsync(Dialect, c, runId, includePings, cancellationToken), cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> FindRunIdsAsync(string prefix, int limit, CancellationToken cancellationToken)
    {
        var (low, high) = RunValidator.PrefixRange(prefix, limit);
        return ReadAsync<IReadOnlyList<string>>(async c =>
        {
            await using var command = c.CreateCommand();
            command.CommandText = $"SELECT id FROM {Dialect.RunIdTable} WHERE id >= @low AND id <= @high ORDER BY id LIMIT @limit;";
            var (lowValue, kind) = Dialect.Id(low);
            Dialect.Add(command, "low", kind, lowValue);
            Dialect.Add(command, "high", kind, Dialect.Id(high).Value);
            Dialect.Add(command, "limit", DbKind.Integer, limit);
            var ids = new List<string>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                ids.Add(Dialect.ReadId(reader, 0));
            }
            return ids;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<RunPage> ListRunsAsync(RunQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        query.Validate();
        // One snapshot, so the page and the total agree.
        return ReadAsync(c => RunReader.ListRunsAsync(Dialect, c, query, cancellationToken), cancellationToken);
    }

    /// <inheritdoc />
    public Task CheckAsync(CancellationToken cancellationToken) =>
        GuardAsync(async () =>
        {
            await InitializeAsync(cancellationToken);
            await using var connection = await OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = Dialect.CheckSql;
            return await command.ExecuteScalarAsync(cancellationToken);
        });

    /// <inheritdoc />
    public Task<IReadOnlyList<RunAggregate>> QueryRunAggregatesAsync(AggregateFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        return ReadAsync(c => QueryReader.QueryRunAggregatesAsync(Dialect, c, filter, cancellationToken), cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<RunPings>> QueryOkPingsAsync(AggregateFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        return ReadAsync(c => QueryReader.QueryOkPingsAsync(Dialect, c, filter, cancellationToken), cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<LocationSummary>> ListLocationsAsync(CancellationToken cancellationToken) =>
        ReadAsync(c => QueryReader.ListLocationsAsync(Dialect, c, cancellationToken), cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<RunSummary>> GetLatestRunsAsync(string? channel, CancellationToken cancellationToken) =>
        ReadAsync(c => QueryReader.GetLatestRunsAsync(Dialect, c, channel, cancellationToken), cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<RollupAggregate>> QueryRollupsAsync(AggregateFilter filter, int grainSeconds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        if (!Rollups.IsGrain(grainSeconds))
        {
            throw new ArgumentOutOfRangeException(
                nameof(grainSeconds), grainSeconds, Rollups.GrainsText);
        }
        return ReadAsync(c => Rollups.QueryAsync(Dialect, c, filter, grainSeconds, cancellationToken), cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<RollupAggregate>> QueryRollupGroupsAsync(
        AggregateFilter filter, int grainSeconds, RollupGrouping grouping, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(grouping);
        if (!Rollups.IsGrain(grainSeconds))
        {
            throw new ArgumentOutOfRangeException(
                nameof(grainSeconds), grainSeconds, Rollups.GrainsText);
        }
        if (grouping.BucketSizeUs is { } size && (size <= 0 || size % (grainSeconds * 1_000_000L) != 0))
        {
            throw new ArgumentOutOfRangeException(nameof(grouping), size, "The bucket size must be a whole multiple of the grain.");
        }
        return ReadAsync(c => Rollups.QueryGroupsAsync(Dialect, c, filter, grainSeconds, grouping, cancellationToken), cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<RollupAggregate>> QueryRollupGroupsAsync(
        AggregateFilter filter, IReadOnlyList<RollupPiece> pieces, RollupGrouping grouping, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(pieces);
        ArgumentNullException.ThrowIfNull(grouping);
        if (pieces.Count == 0)
        {
            throw new ArgumentException("No piece to read.", nameof(pieces));
        }
        foreach (var piece in pieces)
        {
            if (!Rollups.IsGrain(piece.GrainSeconds))
            {
                throw new ArgumentOutOfRangeException(nameof(pieces), piece.GrainSeconds, Rollups.GrainsText);
            }
            if (grouping.BucketSizeUs is { } size && (size <= 0 || size % (piece.GrainSeconds * 1_000_000L) != 0))
            {
                throw new ArgumentOutOfRangeException(nameof(grouping), size, "The bucket size must be a whole multiple of every piece's grain.");
            }
        }
        return ReadAsync(c => Rollups.QueryGroupsAsync(Dialect, c, filter, pieces, grouping, cancellationToken), cancellationToken);
    }

    /// <inheritdoc />
    public async Task<RollupRebuildReport> RebuildRollupsAsync(CancellationToken cancellationToken)
    {
        await InitializeAsync(cancellationToken);
        return await RebuildRollupsCoreAsync(cancellationToken);
    }

    private Task<RollupRebuildReport> RebuildRollupsCoreAsync(CancellationToken cancellationToken) =>
        GuardAsync(async () =>
        {
            await using var connection = await OpenAsync(cancellationToken);
            await using var transaction = await Dialect.BeginWriteAsync(connection, cancellationToken);
            var report = await Rollups.RebuildAsync(Dialect, connection, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return report;
        });

    /// <inheritdoc />
    public async Task<PruneReport> PrunePingsAsync(DateTimeOffset startedBefore, DateTimeOffset prunedAt, CancellationToken cancellationToken)
    {
        await InitializeAsync(cancellationToken);
        return await GuardAsync(async () =>
        {
            await using var connection = await OpenAsync(cancellationToken);
            await using var transaction = await Dialect.BeginWriteAsync(connection, cancellationToken);
            var (before, kind) = Dialect.Micros(startedBefore);
            long pings;
            await using (var delete = connection.CreateCommand())
            {
                delete.CommandText =
                    "DELETE FROM pings WHERE run_id IN (SELECT id FROM runs WHERE started_at < @before AND pings_pruned_at IS NULL)"
                    + Dialect.PingStartedBeforeExtra + ";";
                Dialect.Add(delete, "before", kind, before);
                pings = await delete.ExecuteNonQueryAsync(cancellationToken);
            }
            long runs;
            await using (var mark = connection.CreateCommand())
            {
                mark.CommandText = "UPDATE runs SET pings_pruned_at = @pruned WHERE started_at < @before AND pings_pruned_at IS NULL;";
                Dialect.Add(mark, "before", kind, before);
                var (pruned, prunedKind) = Dialect.Micros(prunedAt);
                Dialect.Add(mark, "pruned", prunedKind, pruned);
                runs = await mark.ExecuteNonQueryAsync(cancellationToken);
            }
            await transaction.CommitAsync(cancellationToken);
            return new PruneReport(runs, pings);
        });
    }

    /// <inheritdoc />
    public Task<DateTimeOffset?> GetPingsPrunedAtAsync(string runId, CancellationToken cancellationToken)
    {
        if (!RunValidator.IsRunId(runId))
        {
            return Task.FromResult<DateTimeOffset?>(null);
        }
        return ReadAsync<DateTimeOffset?>(async c =>
        {
            await using var command = c.CreateCommand();
            command.CommandText = "SELECT pings_pruned_at FROM runs WHERE id = @id;";
            RunReader.AddId(Dialect, command, runId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            return await reader.ReadAsync(cancellationToken) && !reader.IsDBNull(0) ? Dialect.ReadMicros(reader, 0) : null;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (!Disposed)
        {
            Disposed = true;
            await DisposeCoreAsync();
            _initLock.Dispose();
        }
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the subclass's connections (pool).</summary>
    private protected abstract ValueTask DisposeCoreAsync();

    /// <summary>Runs <paramref name="read"/> in one read snapshot.</summary>
    private protected Task<T> ReadAsync<T>(Func<DbConnection, Task<T>> read, CancellationToken cancellationToken) =>
        GuardAsync(async () =>
        {
            await InitializeAsync(cancellationToken);
            await using var connection = await OpenAsync(cancellationToken);
            await using var transaction = await Dialect.BeginReadAsync(connection, cancellationToken);
            T result = await read(connection);
            await transaction.CommitAsync(cancellationToken);
            return result;
        });
}
