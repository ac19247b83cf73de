namespace RtcBench.Server.Aggregation;

/// <summary>One aggregation group: platform × location × channel × time bucket (its start, unix µs).</summary>
internal readonly record struct GroupKey(string Platform, string? Location, string Channel, long BucketStartUs);
