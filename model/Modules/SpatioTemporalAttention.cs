using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace STADNet.Model.Modules;

/// <summary>
/// Where and when to look: a spatial attention map per frame (from the channel mean and maximum)
/// and a weight per time step (from each step's pooled features), both multiplied element-wise
/// into the features. In and out [B, C, T, H, W].
/// </summary>
public sealed class SpatioTemporalAttention : Module<Tensor, Tensor>
{
    private readonly Conv3d spatial;
    private readonly Linear temporal1;
    private readonly Linear temporal2;

    public SpatioTemporalAttention(string name, long channels) : base(name)
    {
        spatial = Conv3d(2, 1, (1, 7, 7), padding: (0, 3, 3));
        temporal1 = Linear(channels, Math.Max(4, channels / 4));
        temporal2 = Linear(Math.Max(4, channels / 4), 1);
        RegisterComponents();
    }

    public override Tensor forward(Tensor features)
    {
        using var scope = NewDisposeScope();
        var map = sigmoid(spatial.call(cat([features.mean([1], keepdim: true), features.amax([1], keepdim: true)], 1)));
        var steps = features.mean([3, 4]).transpose(1, 2); // [B, T, C]
        var weights = sigmoid(temporal2.call(functional.relu(temporal1.call(steps)))); // [B, T, 1]
        var perStep = weights.transpose(1, 2).unsqueeze(-1).unsqueeze(-1); // [B, 1, T, 1, 1]
        return (features * map * perStep).MoveToOuterDisposeScope();
    }
}
