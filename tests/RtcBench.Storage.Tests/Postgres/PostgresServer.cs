using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace RtcBench.Storage.Tests.Postgres;

/// <summary>
/// A throwaway PostgreSQL cluster for the tests: <c>initdb</c> into a temp directory, <c>pg_ctl start</c> on a free
/// 127.0.0.1 port (socket in the same directory, fsync off), one database per test, <c>pg_ctl stop -m immediate</c>
/// and the directory deleted on dispose. Binaries come from <c>pg_config --bindir</c> or /usr/lib/postgresql/*/bin
/// (Debian package <c>postgresql</c>); when missing the fixture fails, it never skips. As root (initdb refuses to
/// run as root) the server runs as the unprivileged user <c>postgres</c> through <c>runuser</c>.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    private const string ServerUser = "postgres";
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(90);

    private string? _root;
    private string? _binDir;
    private bool _started;

    public int Port { get; private set; }

    /// <summary>The superuser (trust authentication, no password).</summary>
    public string SuperUser => "postgres";

    /// <summary>A connection string for <paramref name="database"/> on this server.</summary>
    public string ConnectionString(string database = "postgres") =>
        new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = Port,
            Username = SuperUser,
            Database = database,
            // Tests create many short-lived stores; keep each pool small.
            MaxPoolSize = 10,
        }.ConnectionString;

    public async Task InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(CommandTimeout * 2);
        _binDir = FindBinDirectory();
        bool asRoot = Environment.IsPrivilegedProcess;
        _root = Path.Combine(Path.GetTempPath(), "rtcbench-pg-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(_root);
        if (asRoot)
        {
            // The server's user must own the data directory and be able to write its socket and log there.
            try
            {
                await RunAsync("chown", [ServerUser, _root], asServerUser: false, timeout.Token);
            }
            catch (InvalidOperationException e)
            {
                throw new InvalidOperationException(
                    $"Running as root, the tests start PostgreSQL as the unprivileged user \"{ServerUser}\" (initdb refuses "
                    + "root), but could not hand it the temp directory. `apt-get install postgresql` creates that user.", e);
            }
        }
        string data = Path.Combine(_root, "data");
        await RunAsync(
            Path.Combine(_binDir, "initdb"),
            ["-D", data, "-U", SuperUser, "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"],
            asServerUser: asRoot,
            timeout.Token);

        // Another process can take the port between our probe and the server's bind: retry with a new one.
        for (int attempt = 1; ; attempt++)
        {
            Port = FreePort();
            try
            {
                await StartServerAsync(timeout.Token);
                break;
            }
            catch (InvalidOperationException) when (attempt < 3)
            {
            }
        }
    }

    /// <summary>
    /// Stops the server (fast shutdown: open connections are closed), keeping its data, so a test can see how a
    /// client behaves while the database is down. <see cref="StartAsync"/> brings it back on the same port.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await RunAsync(
            Path.Combine(_binDir!, "pg_ctl"),
            ["-D", Path.Combine(_root!, "data"), "-m", "fast", "-w", "-t", "60", "stop"],
            asServerUser: Environment.IsPrivilegedProcess,
            cancellationToken);
        _started = false;
    }

    /// <summary>Starts the server again after <see cref="StopAsync"/>, on the same port.</summary>
    public Task StartAsync(CancellationToken cancellationToken) => StartServerAsync(cancellationToken);

    private async Task StartServerAsync(CancellationToken cancellationToken)
    {
        string options = string.Create(
            CultureInfo.InvariantCulture,
            $"-p {Port} -k {_root} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200");
        await RunAsync(
            Path.Combine(_binDir!, "pg_ctl"),
            ["-D", Path.Combine(_root!, "data"), "-l", Path.Combine(_root!, "server.log"), "-o", options, "-w", "-t", "60", "start"],
            asServerUser: Environment.IsPrivilegedProcess,
            cancellationToken);
        _started = true;
    }

    /// <summary>Creates an empty database with a unique name and returns its name.</summary>
    public async Task<string> CreateDatabaseAsync(CancellationToken cancellationToken)
    {
        string name = "t_" + Guid.NewGuid().ToString("N");
        await ExecuteAsync("postgres", $"CREATE DATABASE {name};", cancellationToken);
        return name;
    }

    /// <summary>Drops a database, ending any connection still open on it.</summary>
    public async Task DropDatabaseAsync(string name, CancellationToken cancellationToken) =>
        await ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS {name} WITH (FORCE);", cancellationToken);

    /// <summary>Runs SQL on <paramref name="database"/> over a connection that is not pooled.</summary>
    public async Task ExecuteAsync(string database, string sql, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(database, cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The first column of the first row of <paramref name="sql"/> on <paramref name="database"/>.</summary>
    public async Task<T> ScalarAsync<T>(string database, string sql, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(database, cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task DisposeAsync()
    {
        if (_root is null)
        {
            return;
        }
        try
        {
            if (_started && _binDir is not null)
            {
                using var timeout = new CancellationTokenSource(CommandTimeout);
                await RunAsync(
                    Path.Combine(_binDir, "pg_ctl"),
                    ["-D", Path.Combine(_root, "data"), "-m", "immediate", "-w", "stop"],
                    asServerUser: Environment.IsPrivilegedProcess,
                    timeout.Token);
            }
        }
        finally
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private async Task<NpgsqlConnection> OpenAsync(string database, CancellationToken cancellationToken)
    {
        var builder = new NpgsqlConnectionStringBuilder(ConnectionString(database)) { Pooling = false };
        var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    /// <summary>
    /// <c>pg_config --bindir</c> when it names a directory with initdb (Debian's /usr/bin/pg_config does), else the
    /// newest /usr/lib/postgresql/N/bin; otherwise fails saying what to install.
    /// </summary>
    internal static string FindBinDirectory() => FindBinDirectory(TryPgConfigBinDir(), DebianRoot);

    internal const string DebianRoot = "/usr/lib/postgresql";

    internal static string FindBinDirectory(string? pgConfigBinDir, string debianRoot)
    {
        var candidates = new List<string>();
        if (pgConfigBinDir is not null)
        {
            candidates.Add(pgConfigBinDir);
        }
        if (Directory.Exists(debianRoot))
        {
            candidates.AddRange(Directory.GetDirectories(debianRoot)
                .Select(d => (Dir: d, Ok: int.TryParse(Path.GetFileName(d), NumberStyles.None, CultureInfo.InvariantCulture, out int v), Version: v))
                .Where(d => d.Ok)
                .OrderByDescending(d => d.Version)
                .Select(d => Path.Combine(d.Dir, "bin")));
        }
        foreach (string dir in candidates)
        {
            if (File.Exists(Path.Combine(dir, "initdb")) && File.Exists(Path.Combine(dir, "pg_ctl")))
            {
                return dir;
            }
        }
        throw new InvalidOperationException(
            "The PostgreSQL store tests need the PostgreSQL server binaries (initdb, pg_ctl, postgres), looked for in "
            + $"`pg_config --bindir` and {debianRoot}/*/bin: none found. Install them with `apt-get install postgresql` "
            + "(Debian/Ubuntu).");
    }

    private static string? TryPgConfigBinDir()
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("pg_config", "--bindir")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            });
            if (process is null)
            {
                return null;
            }
            string output = process.StandardOutput.ReadToEnd().Trim();
            process.WaitForExit(10_000);
            return process.HasExited && process.ExitCode == 0 && output.Length > 0 ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null; // no pg_config on PATH
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Runs a program to completion (as the server user when asked); throws with its output when it fails.</summary>
    private static async Task RunAsync(string program, string[] arguments, bool asServerUser, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo
        {
            FileName = asServerUser ? "runuser" : program,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            // The server user cannot enter root's working directory.
            WorkingDirectory = Path.GetTempPath(),
        };
        if (asServerUser)
        {
            foreach (string a in (string[])["-u", ServerUser, "--", program])
            {
                start.ArgumentList.Add(a);
            }
        }
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)
            ?? throw new InvalidOperationException($"Could not start {program}.");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} did not finish in time.");
        }
        string output = (await stdout) + (await stderr);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{program} {string.Join(' ', arguments)} exited with {process.ExitCode}:\n{output}");
        }
    }
}
