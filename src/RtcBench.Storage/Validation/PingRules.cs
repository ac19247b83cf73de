using RtcBench.Core.Measurement;
using RtcBench.Core.Results;

namespace RtcBench.Storage.Validation;

/// <summary>
/// What each ping of a document must satisfy before the statistics are recomputed from the pings: one ping per
/// scheduled ping in seq order 0, 1, 2, …, a known status that fits its place (warm-ups first, unsent pings last),
/// the fields its status implies, whole-microsecond times inside the run, a send delay that matches its two times, an
/// RTT that matches its status and the deadline, and a net RTT no larger than its RTT.
/// </summary>
internal static class PingRules
{
    /// <summary>
    /// How far sent_at − scheduled_at may be from send_delay_us: each time is a wall-clock anchor (~1.8·10¹⁵ µs, a
    /// double good to 0.25 µs) plus a monotonic time, rounded to the microsecond.
    /// </summary>
    public const double SendDelayTimesUs = 2;

    public static string? Check(RunResult run)
    {
        var pings = run.Pings;
        var config = run.Config;
        long expected = (long)config.Count + config.Warmup;
        if (pings.Count != expected)
        {
            return $"pings: {pings.Count} pings, but config.count + config.warmup = {expected}; send every scheduled ping, or none";
        }
        bool reflector = run.Path?.IsReflector == true;
        var earliest = run.StartedAt - DocumentLimits.PingTimeSlack;
        var latest = run.EndedAt + DocumentLimits.PingTimeSlack;
        double deadlineUs = config.DeadlineMs * 1000;
        bool unsentSeen = false;
        for (int i = 0; i < pings.Count; i++)
        {
            var p = pings[i];
            if (p is null)
            {
                return $"pings[{i}]: null";
            }
            string at = $"pings[{i}]";
            if (p.Seq != i)
            {
                return $"{at}.seq: {p.Seq}, expected {i} (pings are listed in seq order 0, 1, 2, …)";
            }
            if (!PingStatusNames.TryParse(p.Status, out var status) || status == PingStatus.Pending)
            {
                return $"{at}.status: unknown status {TextRules.Quote(p.Status)}; expected one of {KnownValues.List(KnownValues.PingStatuses)}";
            }
            if (Place(at, i, status, config.Warmup, ref unsentSeen) is { } place)
            {
                return place;
            }
            if (Times(at, p, status, earliest, latest, i > 0 ? pings[i - 1] : null) is { } times)
            {
                return times;
            }
            if (Durations(at, p, status, deadlineUs, reflector) is { } durations)
            {
                return durations;
            }
        }
        return EchoLost(run);
    }

    /// <summary>
    /// The echo-lost rule (DESIGN §4b, docs/result-schema.md): when the echo was found gone, the unanswered pings sent
    /// after the last answered one are abandoned, those before it lost; on a reliable channel, which cannot lose,
    /// every unanswered ping is abandoned. Without echo-lost no ping is abandoned (the statistics check says so).
    /// </summary>
    private static string? EchoLost(RunResult run)
    {
        if (run.Outcome.Reason != RunOutcome.EchoLostReason)
        {
            return null;
        }
        var pings = run.Pings;
        long lastAnswered = -1;
        foreach (var p in pings)
        {
            if (p.RttUs is not null)
            {
                lastAnswered = p.Seq;
            }
        }
        bool reliable = run.Channel == "reliable";
        for (int i = 0; i < pings.Count; i++)
        {
            string status = pings[i].Status;
            if (status == "abandoned" && !reliable && i < lastAnswered)
            {
                return $"pings[{i}].status: 'abandoned', but seq {lastAnswered} was answered after it (the echo was alive): it is lost";
            }
            if (status == "lost" && (reliable || i > lastAnswered))
            {
                return reliable
                    ? $"pings[{i}].status: 'lost' on a reliable channel whose echo was lost: every unanswered ping is abandoned"
                    : $"pings[{i}].status: 'lost', but it was sent after the last answered ping (seq {lastAnswered}) of a run whose echo was lost: it is abandoned";
            }
        }
        return null;
    }

    private static string? Place(string at, int seq, PingStatus status, int warmup, ref bool unsentSeen)
    {
        if (status == PingStatus.NotSent)
        {
            unsentSeen = true;
            return null;
        }
        if (unsentSeen)
        {
            return $"{at}.status: '{status.ToWire()}' after a not_sent ping; once a run stops sending, every later ping is not_sent";
        }
        if (seq < warmup && status != PingStatus.Warmup)
        {
            return $"{at}.status: '{status.ToWire()}', but seq {seq} is a warm-up ping (config.warmup = {warmup}); expected warmup or not_sent";
        }
        if (seq >= warmup && status == PingStatus.Warmup)
        {
            return $"{at}.status: 'warmup', but seq {seq} is past the warm-up (config.warmup = {warmup})";
        }
        return null;
    }

    private static string? Times(string at, PingResult p, PingStatus status, DateTimeOffset earliest, DateTimeOffset latest, PingResult? previous)
    {
        if (!UnixMicros.TryExact(p.ScheduledAt, out _))
        {
            return $"{at}.scheduled_at: times must be whole microseconds";
        }
        if (p.ScheduledAt < earliest || p.ScheduledAt > latest)
        {
            return $"{at}.scheduled_at: outside the run (started_at .. ended_at, ± {DocumentLimits.PingTimeSlack.TotalMinutes:0} minute)";
        }
        if (previous is not null && p.ScheduledAt < previous.ScheduledAt)
        {
            return $"{at}.scheduled_at: before the previous ping's; the schedule runs forward";
        }
        bool sent = status != PingStatus.NotSent;
        if (!sent)
        {
            return p.SentAt is null && p.SendDelayUs is null && p.RttUs is null && p.NetRttUs is null
                ? null
                : $"{at}: a not_sent ping has no sent_at, send_delay_us, rtt_us or net_rtt_us";
        }
        if (p.SentAt is not { } sentAt)
        {
            return $"{at}.sent_at: missing; a '{status.ToWire()}' ping was sent";
        }
        if (p.SendDelayUs is not { } delay)
        {
            return $"{at}.send_delay_us: missing; a '{status.ToWire()}' ping was sent";
        }
        if (!UnixMicros.TryExact(sentAt, out _))
        {
            return $"{at}.sent_at: times must be whole microseconds";
        }
        if (!double.IsFinite(delay) || Math.Abs(delay) > DocumentLimits.MaxDurationUs)
        {
            return $"{at}.send_delay_us: {Tolerance.Show(delay)} is not a duration (finite, at most a day)";
        }
        // Both times are placed on the wall clock and rounded to the microsecond, so their difference is within
        // SendDelayTimesUs of the exact delay.
        double between = (sentAt - p.ScheduledAt).Ticks / 10.0;
        if (Math.Abs(between - delay) > SendDelayTimesUs + Tolerance.SlackUs(delay))
        {
            return $"{at}.send_delay_us: {Tolerance.Show(delay)}, but sent_at − scheduled_at = {Tolerance.Show(between)} µs";
        }
        return null;
    }

    private static string? Durations(string at, PingResult p, PingStatus status, double deadlineUs, bool reflector)
    {
        bool answered = p.RttUs is not null;
        bool mustAnswer = status is PingStatus.Ok or PingStatus.Late;
        bool mayAnswer = mustAnswer || status == PingStatus.Warmup;
        if (mustAnswer && !answered)
        {
            return $"{at}.rtt_us: missing; the ping is '{status.ToWire()}', so it was answered";
        }
        if (answered && !mayAnswer)
        {
            return $"{at}.rtt_us: present, but a '{status.ToWire()}' ping was not answered";
        }
        if (reflector && p.NetRttUs is not null)
        {
            return $"{at}.net_rtt_us: present, but path.echo is \"{PathInfo.ReflectorEcho}\" (a reflected ping carries no echo timestamps)";
        }
        if (!reflector && answered != (p.NetRttUs is not null))
        {
            return $"{at}.net_rtt_us: {(answered ? "missing; an answered ping has one" : "present, but the ping was not answered")}";
        }
        if (p.RttUs is not { } rtt)
        {
            return null;
        }
        if (!double.IsFinite(rtt) || rtt < 0 || rtt > DocumentLimits.MaxDurationUs)
        {
            return $"{at}.rtt_us: {Tolerance.Show(rtt)} is not a duration (finite, non-negative, at most a day)";
        }
        if (p.NetRttUs is not { } net)
        {
            return Deadline(at, rtt, status, deadlineUs);
        }
        if (!double.IsFinite(net) || Math.Abs(net) > DocumentLimits.MaxDurationUs)
        {
            return $"{at}.net_rtt_us: {Tolerance.Show(net)} is not a duration (finite, at most a day)";
        }
        if (Deadline(at, rtt, status, deadlineUs) is { } deadline)
        {
            return deadline;
        }
        if (!Tolerance.AtMostUs(net, rtt))
        {
            return $"{at}.net_rtt_us: {Tolerance.Show(net)} is above rtt_us ({Tolerance.Show(rtt)}); net RTT excludes the echo's hold time";
        }
        return null;
    }

    private static string? Deadline(string at, double rtt, PingStatus status, double deadlineUs)
    {
        if (status == PingStatus.Ok && !Tolerance.AtMostUs(rtt, deadlineUs))
        {
            return $"{at}.rtt_us: {Tolerance.Show(rtt)} is past the deadline (config.deadline_ms = {Tolerance.Show(deadlineUs / 1000)}), so the ping is late, not ok";
        }
        if (status == PingStatus.Late && !Tolerance.AtMostUs(deadlineUs, rtt))
        {
            return $"{at}.rtt_us: {Tolerance.Show(rtt)} is within the deadline (config.deadline_ms = {Tolerance.Show(deadlineUs / 1000)}), so the ping is ok, not late";
        }
        return null;
    }
}
