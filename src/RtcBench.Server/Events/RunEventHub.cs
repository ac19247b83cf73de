using System.Text.Json;
using System.Text.Json.Serialization;
using System.Threading.Channels;
using RtcBench.Core.Results;
using RtcBench.Server.Contracts;

namespace RtcBench.Server.Events;

/// <summary>
/// Fans "a run was stored" out to the live subscribers of <c>GET /api/events</c>. Publishing never blocks and never
/// waits for a subscriber: each has its own bounded queue (<see cref="QueueLimit"/>) that drops its oldest event when
/// a client reads too slowly (an event only tells the dashboard to refresh, so the newest one is what counts). At
/// most <c>maxSubscribers</c> at once.
/// </summary>
internal sealed class RunEventHub(int maxSubscribers)
{
    /// <summary>Events queued per subscriber before the oldest is dropped.</summary>
    public const int QueueLimit = 64;

    public const string RunEventType = "run";

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private readonly Lock _gate = new();
    private readonly List<Channel<ServerEvent>> _subscribers = [];
    private TaskCompletionSource _changed = NewSignal();
    private long _lastId;

    public int SubscriberCount
    {
        get
        {
            lock (_gate)
            {
                return _subscribers.Count;
            }
        }
    }

    /// <summary>Completes the next time a subscriber comes or goes (for tests that await a disconnect).</summary>
    public Task Changed
    {
        get
        {
            lock (_gate)
            {
                return _changed.Task;
            }
        }
    }

    /// <summary>A new subscription, or null when <c>maxSubscribers</c> are already listening.</summary>
    public EventSubscription? TrySubscribe()
    {
        var channel = Channel.CreateBounded<ServerEvent>(new BoundedChannelOptions(QueueLimit)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
            SingleWriter = false,
        });
        lock (_gate)
        {
            if (_subscribers.Count >= maxSubscribers)
            {
                return null;
            }
            _subscribers.Add(channel);
            SignalLocked();
        }
        return new EventSubscription(this, channel);
    }

    /// <summary>Tells every subscriber that <paramref name="run"/> was stored. Never blocks.</summary>
    public void PublishRunStored(RunResult run)
    {
        string data = JsonSerializer.Serialize(new RunIngestedEvent
        {
            RunId = run.RunId,
            Platform = run.Platform,
            Location = run.Location,
            Channel = run.Channel,
            StartedAt = run.StartedAt,
            Url = "/api/runs/" + run.RunId,
        }, Json);
        lock (_gate)
        {
            var item = new ServerEvent(++_lastId, RunEventType, data);
            foreach (var subscriber in _subscribers)
            {
                subscriber.Writer.TryWrite(item);   // a full queue drops its oldest: never fails, never waits
            }
        }
    }

    internal void Remove(Channel<ServerEvent> channel)
    {
        lock (_gate)
        {
            if (_subscribers.Remove(channel))
            {
                channel.Writer.TryComplete();
                SignalLocked();
            }
        }
    }

    private void SignalLocked()
    {
        var old = _changed;
        _changed = NewSignal();
        old.TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
