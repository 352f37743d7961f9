using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace STADNet.Model.Modules;

/// <summary>
/// STADNet: an appearance stream (2D CNN per frame) and an optical-flow motion stream (3D CNN),
/// fused by channel-level cross-attention; a multi-scale 3D convolution and spatio-temporal
/// attention; a VAE whose decoder rebuilds the clip's appearance and flow; and a fully connected
/// sigmoid segment score. Footage unlike the normal training footage reconstructs badly, sits far
/// from the prior, scores high on the segment head, or has encoder features unlike the normal
/// features at that place of the view (<see cref="FeatureNormality"/>): together the anomaly evidence,
/// with the object novelty of the moving windows (<see cref="ObjectNormality"/>), judged by a frozen
/// pretrained backbone outside this network.
/// Input [B, C + 2, T, H, W]: appearance channels then flow (see <see cref="ClipBatch"/>).
/// </summary>
public sealed class StadNet : Module<Tensor, Tensor>
{
    private readonly ModelSettings settings;
    private readonly AppearanceStream appearance;
    private readonly MotionStream? motion;
    private readonly CrossAttentionFusion? fusion;
    private readonly MultiScaleConv3d encoder;
    private readonly SpatioTemporalAttention? attention;
    private readonly ConvBlock3d down;
    private readonly VariationalBottleneck bottleneck;
    private readonly ClipDecoder decoder;
    private readonly SegmentHead? segment;
    private readonly FeatureNormality normality;
    private readonly ObjectNormality objects;

    public StadNet(string name, ModelSettings settings) : base(name)
    {
        settings.Validate();
        this.settings = settings;
        long c = settings.BaseChannels;
        appearance = new AppearanceStream("appearance", settings.ImageChannels, c);
        if (settings.MotionStream)
        {
            motion = new MotionStream("motion", c);
            fusion = new CrossAttentionFusion("fusion", settings.CrossAttention);
        }
        encoder = new MultiScaleConv3d("encoder", settings.MotionStream ? 2 * c : c, 2 * c, settings.MultiScale);
        if (settings.Attention) attention = new SpatioTemporalAttention("attention", 2 * c);
        down = new ConvBlock3d("down", 2 * c, 4 * c, (2, 1, 1));
        bottleneck = new VariationalBottleneck("bottleneck", 4 * c, settings.LatentChannels, settings.Variational);
        decoder = new ClipDecoder("decoder", settings.LatentChannels, c, settings.ReconstructedChannels);
        if (settings.SegmentHead) segment = new SegmentHead("segment", 4 * c);
        normality = new FeatureNormality("normality", settings.EncodingPositions, settings.EncodingChannels);
        objects = new ObjectNormality("objects", Pretrained.ImageNetBackbone.FeatureLength);
        RegisterComponents();
    }

    public ModelSettings Settings => settings;

    /// <summary>The per-place Gaussians of normal encoder features (see <see cref="NormalFeatures"/> for the fit).</summary>
    public FeatureNormality Normality => normality;

    /// <summary>The memory of normal moving windows the object novelty is judged against (fitted with <see cref="ObjectNovelty"/>).</summary>
    public ObjectNormality Objects => objects;

    /// <summary>Reconstruction only; see <see cref="Run"/> for everything.</summary>
    public override Tensor forward(Tensor clips)
    {
        using var output = Run(clips);
        return output.Reconstruction.alias();
    }

    /// <summary>The whole network on [B, C + 2, T, H, W] clips.</summary>
    public StadNetOutput Run(Tensor clips)
    {
        using var scope = NewDisposeScope();
        var c = settings.ImageChannels;
        var features = appearance.forward(clips[.., ..c]);
        if (motion is not null && fusion is not null)
            features = fusion.forward(features, motion.forward(clips[.., c..(c + 2)]));
        features = encoder.forward(features);
        if (attention is not null) features = attention.forward(features);
        features = down.forward(features);
        var (latent, mean, logVariance) = bottleneck.Encode(features);
        var reconstruction = decoder.forward(latent);
        var logit = segment?.forward(features);
        return new StadNetOutput(
            reconstruction.MoveToOuterDisposeScope(),
            features.MoveToOuterDisposeScope(),
            mean.MoveToOuterDisposeScope(),
            logVariance?.MoveToOuterDisposeScope(),
            logit?.MoveToOuterDisposeScope());
    }

    /// <summary>The part of the input the decoder rebuilds: appearance, plus flow when the motion stream is on.</summary>
    public Tensor Target(Tensor clips) => clips[.., ..settings.ReconstructedChannels];
}
