using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace STADNet.Model.Modules;

/// <summary>
/// Fuses the appearance and motion streams by cross-attention at channel level: every channel of
/// one stream is a query over the channels of the other, so a motion pattern can pull in the
/// appearance features that go with it and back. Channel descriptors are the maps pooled to a
/// small grid. Each stream keeps a residual path; the results are concatenated.
/// In two [B, F, T, H, W], out [B, 2F, T, H, W]. Off (ablation): plain concatenation.
/// </summary>
public sealed class CrossAttentionFusion : Module<Tensor, Tensor, Tensor>
{
    private const int GridRows = 4, GridColumns = 6, KeyWidth = 16;

    private readonly Linear? appearance_query;
    private readonly Linear? motion_key;
    private readonly Linear? motion_query;
    private readonly Linear? appearance_key;
    private readonly Parameter? appearance_gain;
    private readonly Parameter? motion_gain;

    public CrossAttentionFusion(string name, bool enabled = true) : base(name)
    {
        if (enabled)
        {
            const int descriptor = GridRows * GridColumns;
            appearance_query = Linear(descriptor, KeyWidth);
            motion_key = Linear(descriptor, KeyWidth);
            motion_query = Linear(descriptor, KeyWidth);
            appearance_key = Linear(descriptor, KeyWidth);
            appearance_gain = Parameter(full(1, 0.5f));
            motion_gain = Parameter(full(1, 0.5f));
        }
        RegisterComponents();
    }

    public override Tensor forward(Tensor appearance, Tensor motion)
    {
        using var scope = NewDisposeScope();
        if (appearance_query is null || motion_key is null || motion_query is null || appearance_key is null
            || appearance_gain is null || motion_gain is null)
            return cat([appearance, motion], 1).MoveToOuterDisposeScope();
        var a = Descriptors(appearance);
        var m = Descriptors(motion);
        var fromMotion = Attend(appearance_query.call(a), motion_key.call(m), motion);
        var fromAppearance = Attend(motion_query.call(m), appearance_key.call(a), appearance);
        var fusedAppearance = appearance + appearance_gain * fromMotion;
        var fusedMotion = motion + motion_gain * fromAppearance;
        return cat([fusedAppearance, fusedMotion], 1).MoveToOuterDisposeScope();
    }

    /// <summary>[B, F, GridRows*GridColumns]: each channel's map averaged over time and pooled to a small grid.</summary>
    private static Tensor Descriptors(Tensor x) =>
        functional.adaptive_avg_pool3d(x, [1, GridRows, GridColumns]).flatten(2);

    private static Tensor Attend(Tensor queries, Tensor keys, Tensor values)
    {
        var weights = softmax(queries.matmul(keys.transpose(1, 2)) / Math.Sqrt(KeyWidth), -1); // [B, F, F]
        var flat = values.flatten(2); // [B, F, T*H*W]
        return weights.matmul(flat).view_as(values);
    }
}
