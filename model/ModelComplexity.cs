namespace STADNet.Model;

/// <summary>
/// What a model costs: weights, multiply-adds of one clip through the network (as GFLOPs, two per
/// multiply-add; convolutions and fully connected layers, which are nearly all of it), and measured
/// milliseconds per frame on this machine for the network and for the optical flow in front of it.
/// </summary>
public sealed record ModelComplexity(long Parameters, double GigaFlopsPerClip, double NetworkMsPerFrame, double FlowMsPerFrame, int Threads)
{
    public double MsPerFrame => NetworkMsPerFrame + FlowMsPerFrame;
}
