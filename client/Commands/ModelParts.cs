using STADNet.Model;

namespace STADNet.Client.Commands;

/// <summary>The parts <c>stadnet train --without</c> can remove, for ablation studies.</summary>
public static class ModelParts
{
    public static readonly IReadOnlyList<string> Names = ["multi-scale", "attention", "motion", "cross-attention", "vae", "segment-head"];

    public static ModelSettings Without(ModelSettings settings, IEnumerable<string> parts)
    {
        foreach (var part in parts)
        {
            settings = part.Trim().ToLowerInvariant() switch
            {
                "multi-scale" => settings with { MultiScale = false },
                "attention" => settings with { Attention = false },
                "motion" => settings with { MotionStream = false, CrossAttention = false },
                "cross-attention" => settings with { CrossAttention = false },
                "vae" => settings with { Variational = false },
                "segment-head" => settings with { SegmentHead = false },
                _ => throw new UsageException($"--without: unknown part '{part}'; parts are {string.Join(", ", Names)}"),
            };
        }
        return settings;
    }
}
