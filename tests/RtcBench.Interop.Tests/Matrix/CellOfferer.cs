namespace RtcBench.Interop.Tests.Matrix;

/// <summary>Who makes the offer in a cell.</summary>
public enum CellOfferer
{
    /// <summary>Our <c>PeerConnection.CreateOfferer</c> (full controlling ICE agent) offers; the other stack answers.</summary>
    Us,

    /// <summary>The other stack offers; our <c>PeerConnection.AcceptOffer</c> answers.</summary>
    Them,
}
