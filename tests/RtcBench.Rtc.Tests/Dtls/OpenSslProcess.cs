using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace RtcBench.Rtc.Tests.Dtls;

/// <summary>
/// The OpenSSL command line (Debian <c>openssl</c>, installed by scripts/test.sh) as a child process: every line it
/// prints on stdout or stderr is kept, and <see cref="WaitForLineAsync"/> waits for one that matches (no sleeps);
/// stdin stays open for <see cref="WriteLine"/>. Dispose kills it if it is still running.
/// </summary>
internal sealed class OpenSslProcess : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly List<string> _stdout = [];
    private readonly Lock _lock = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _streamsOpen = 2;

    private OpenSslProcess(Process process) => _process = process;

    /// <summary>Everything printed so far, one line each (for assertion messages).</summary>
    internal string Output
    {
        get
        {
            lock (_lock)
            {
                return string.Join('\n', _lines);
            }
        }
    }

    internal static OpenSslProcess Start(params string[] arguments)
    {
        var info = new ProcessStartInfo("openssl")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.Latin1,
            StandardErrorEncoding = Encoding.Latin1,
        };
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = info };
        var openssl = new OpenSslProcess(process);
        process.OutputDataReceived += (_, e) => openssl.OnLine(e.Data, stdout: true);
        process.ErrorDataReceived += (_, e) => openssl.OnLine(e.Data, stdout: false);
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            process.Dispose();
            throw new InvalidOperationException("The openssl command is missing: install Debian's openssl package (scripts/test.sh does).", e);
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return openssl;
    }

    /// <summary>Runs one openssl command to completion and returns its stdout; throws with its output if it fails.</summary>
    internal static async Task<string> RunAsync(TimeSpan timeout, params string[] arguments)
    {
        using var openssl = Start(arguments);
        openssl._process.StandardInput.Close();
        using var deadline = new CancellationTokenSource(timeout);
        await openssl._process.WaitForExitAsync(deadline.Token);
        await openssl.WaitForEndOfOutputAsync(deadline.Token);
        if (openssl._process.ExitCode != 0)
        {
            throw new InvalidOperationException($"openssl {string.Join(' ', arguments)} exited with {openssl._process.ExitCode}:\n{openssl.Output}");
        }

        return openssl.Output;
    }

    /// <summary>Writes one line to openssl's stdin (s_client and s_server send each line as one record).</summary>
    internal void WriteLine(string line)
    {
        _process.StandardInput.Write(line + "\n");
        _process.StandardInput.Flush();
    }

    /// <summary>Closes openssl's stdin: s_client then sends close_notify and exits.</summary>
    internal void CloseInput() => _process.StandardInput.Close();

    /// <summary>
    /// Waits for the first line (from the start of the output) that <paramref name="match"/> accepts and returns it.
    /// Throws, with everything openssl printed, if openssl ends without printing one.
    /// </summary>
    internal async Task<string> WaitForLineAsync(Func<string, bool> match, CancellationToken cancellationToken)
    {
        int index = 0;
        while (true)
        {
            Task changed;
            lock (_lock)
            {
                for (; index < _lines.Count; index++)
                {
                    if (match(_lines[index]))
                    {
                        return _lines[index];
                    }
                }

                if (_streamsOpen == 0)
                {
                    throw new InvalidOperationException("openssl ended without printing the expected line. It printed:\n" + string.Join('\n', _lines));
                }

                changed = _changed.Task;
            }

            await changed.WaitAsync(cancellationToken);
        }
    }

    internal Task<string> WaitForLineStartingAsync(string prefix, CancellationToken cancellationToken) =>
        WaitForLineAsync(l => l.StartsWith(prefix, StringComparison.Ordinal), cancellationToken);

    /// <summary>
    /// The PEM certificate printed after <paramref name="heading"/> ("Server certificate" in s_client, "Client
    /// certificate" in s_server) on stdout, as DER.
    /// </summary>
    internal byte[] PrintedCertificate(string heading)
    {
        lock (_lock)
        {
            int start = _stdout.IndexOf(heading);
            int end = start < 0 ? -1 : _stdout.FindIndex(start, l => l == "-----END CERTIFICATE-----");
            if (end < 0)
            {
                throw new InvalidOperationException($"openssl printed no '{heading}':\n" + string.Join('\n', _lines));
            }

            string base64 = string.Concat(_stdout.Skip(start + 2).Take(end - start - 2));
            return Convert.FromBase64String(base64);
        }
    }

    internal async Task<int> WaitForExitAsync(CancellationToken cancellationToken)
    {
        await _process.WaitForExitAsync(cancellationToken);
        await WaitForEndOfOutputAsync(cancellationToken);
        return _process.ExitCode;
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // Never started or already reaped.
        }

        _process.Dispose();
    }

    private async Task WaitForEndOfOutputAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Task changed;
            lock (_lock)
            {
                if (_streamsOpen == 0)
                {
                    return;
                }

                changed = _changed.Task;
            }

            await changed.WaitAsync(cancellationToken);
        }
    }

    private void OnLine(string? line, bool stdout)
    {
        TaskCompletionSource changed;
        lock (_lock)
        {
            if (line is null)
            {
                _streamsOpen--;
            }
            else
            {
                _lines.Add(line);
                if (stdout)
                {
                    _stdout.Add(line);
                }
            }

            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
    }
}
