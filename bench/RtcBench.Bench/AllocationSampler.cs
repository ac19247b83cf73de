using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using System.Globalization;

namespace RtcBench.Bench;

/// <summary>
/// Which types a process allocates, from the runtime's GC AllocationTick events (one sample per ~100 KB allocated,
/// carrying the type that crossed the threshold). Statistical, so only for naming where bytes go, never for counting.
/// </summary>
internal sealed class AllocationSampler : EventListener
{
    private const EventKeywords GcKeyword = (EventKeywords)0x1;
    private readonly ConcurrentDictionary<string, long> _bytesByType = new(StringComparer.Ordinal);
    private volatile bool _recording;

    public void Start()
    {
        _bytesByType.Clear();
        _recording = true;
    }

    /// <summary>Stops and returns the top types as <c>type=bytes</c> pairs separated by <c>;</c>, largest first.</summary>
    public string Stop(int top = 8)
    {
        _recording = false;
        return string.Join(';', _bytesByType.OrderByDescending(kv => kv.Value).Take(top)
            .Select(kv => kv.Key.Replace(';', ',').Replace('=', ':') + "=" + kv.Value.ToString(CultureInfo.InvariantCulture)));
    }

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(eventSource, EventLevel.Verbose, GcKeyword);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (!_recording || e.EventName is null || !e.EventName.StartsWith("GCAllocationTick", StringComparison.Ordinal) || e.Payload is null || e.PayloadNames is null)
        {
            return;
        }
        int typeIndex = e.PayloadNames.IndexOf("TypeName");
        int amountIndex = e.PayloadNames.IndexOf("AllocationAmount64");
        if (typeIndex < 0 || amountIndex < 0)
        {
            return;
        }
        string type = e.Payload[typeIndex] as string ?? "?";
        long amount = Convert.ToInt64(e.Payload[amountIndex], CultureInfo.InvariantCulture);
        _bytesByType.AddOrUpdate(type, amount, (_, v) => v + amount);
    }
}
