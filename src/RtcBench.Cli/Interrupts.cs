using System.Runtime.InteropServices;

namespace RtcBench.Cli;

/// <summary>
/// Turns Ctrl-C / SIGTERM into two stages: the first asks the run to stop sending and keep what it measured
/// (waiting for in-flight answers up to their deadline); the second aborts at once.
/// </summary>
public class Interrupts : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly CancellationTokenSource _abort = new();
    private readonly List<IDisposable> _registrations = [];
    private readonly Lock _gate = new();
    private int _count;

    public CancellationToken StopRequested => _stop.Token;

    public CancellationToken AbortRequested => _abort.Token;

    /// <summary>Called on each interruption with its number (1 or 2); used to tell the user what happens.</summary>
    public Action<int>? OnInterrupt { get; set; }

    /// <summary>Hooks the process's Ctrl-C and SIGTERM.</summary>
    public static Interrupts ForProcess()
    {
        var interrupts = new Interrupts();
        Console.CancelKeyPress += interrupts.OnCancelKeyPress;
        interrupts._registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGTERM, ctx =>
        {
            ctx.Cancel = true;
            interrupts.Interrupt();
        }));
        return interrupts;
    }

    /// <summary>Interrupts once more (what Ctrl-C does).</summary>
    public void Interrupt()
    {
        int n;
        lock (_gate)
        {
            n = ++_count;
        }
        if (n == 1)
        {
            _stop.Cancel();
        }
        else
        {
            _stop.Cancel();
            _abort.Cancel();
        }
        OnInterrupt?.Invoke(n);
    }

    private void OnCancelKeyPress(object? sender, ConsoleCancelEventArgs e)
    {
        // A third Ctrl-C kills the process the usual way.
        e.Cancel = _count < 2;
        Interrupt();
    }

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            Console.CancelKeyPress -= OnCancelKeyPress;
            foreach (var r in _registrations)
            {
                r.Dispose();
            }
            _stop.Dispose();
            _abort.Dispose();
        }
    }
}
