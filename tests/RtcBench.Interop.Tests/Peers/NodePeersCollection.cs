namespace RtcBench.Interop.Tests.Peers;

[CollectionDefinition(Name)]
public sealed class NodePeersCollection : ICollectionFixture<NodePeers>
{
    public const string Name = "Independent stacks in node (werift, libdatachannel)";
}
