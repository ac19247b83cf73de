namespace RtcBench.Rtc.Turn;

internal enum TurnRequestKind
{
    Allocate,
    Refresh,
    CreatePermission,
    ChannelBind,
}
