using static TorchSharp.torch;

namespace STADNet.Model.Modules;

/// <summary>What one forward pass yields: the reconstruction and the latent distribution behind it.</summary>
public sealed record ClipReconstruction(Tensor Reconstruction, Tensor Mean, Tensor LogVariance) : IDisposable
{
    public void Dispose()
    {
        Reconstruction.Dispose();
        Mean.Dispose();
        LogVariance.Dispose();
    }
}
