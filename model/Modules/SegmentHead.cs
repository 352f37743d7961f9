using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace STADNet.Model.Modules;

/// <summary>
/// Fully connected layers over the encoder's pooled features, ending in one logit per clip; its
/// sigmoid is the segment's anomaly probability. Max pooling goes in beside the average because
/// an anomaly usually fills a small part of the view.
/// </summary>
public sealed class SegmentHead : Module<Tensor, Tensor>
{
    private readonly Linear fc1;
    private readonly Dropout dropout;
    private readonly Linear fc2;

    public SegmentHead(string name, long channels, long hidden = 32) : base(name)
    {
        fc1 = Linear(2 * channels, hidden);
        dropout = Dropout(0.2);
        fc2 = Linear(hidden, 1);
        RegisterComponents();
    }

    /// <returns>[B] logits.</returns>
    public override Tensor forward(Tensor features)
    {
        using var scope = NewDisposeScope();
        var pooled = cat([features.mean([2, 3, 4]), features.amax([2, 3, 4])], 1);
        var hidden = dropout.forward(functional.relu(fc1.call(pooled)));
        return fc2.call(hidden).squeeze(1).MoveToOuterDisposeScope();
    }
}
