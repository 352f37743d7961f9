using TorchSharp;
using static TorchSharp.torch;

namespace STADNet.Model;

/// <summary>
/// Training augmentation on feature clips [B, C + 2, T, H, W], drawn per clip: random crop (zoom
/// and shift), small rotation and horizontal flip as one affine warp, with the flow vectors
/// rotated, scaled and mirrored to match; brightness and contrast on the appearance channels.
/// </summary>
public sealed class ClipAugmentation(ModelSettings settings, TrainingOptions options)
{
    public Tensor Apply(Tensor clips, Random random)
    {
        using var scope = NewDisposeScope();
        long b = clips.shape[0], ch = clips.shape[1], t = clips.shape[2], h = clips.shape[3], w = clips.shape[4];
        var theta = new float[b * 6];
        var flowMatrix = new float[b * 4];
        var contrast = new float[b];
        var brightness = new float[b];
        for (var i = 0; i < b; i++)
        {
            var angle = (2 * random.NextDouble() - 1) * options.MaxRotationDegrees * Math.PI / 180;
            var scale = options.MinCropScale + (1 - options.MinCropScale) * random.NextDouble();
            var flip = random.NextDouble() < 0.5 ? -1.0 : 1.0;
            double c = Math.Cos(angle), s = Math.Sin(angle);
            var room = 1 - scale;
            // Output pixel x samples the input at M x + shift, M = scale * R(angle) * mirror, in normalised coordinates.
            theta[i * 6 + 0] = (float)(scale * c * flip);
            theta[i * 6 + 1] = (float)(-scale * s * h / w);
            theta[i * 6 + 2] = (float)((2 * random.NextDouble() - 1) * room);
            theta[i * 6 + 3] = (float)(scale * s * flip * w / h);
            theta[i * 6 + 4] = (float)(scale * c);
            theta[i * 6 + 5] = (float)((2 * random.NextDouble() - 1) * room);
            // A motion vector maps by M⁻¹ = mirror * R(−angle) / scale.
            flowMatrix[i * 4 + 0] = (float)(flip * c / scale);
            flowMatrix[i * 4 + 1] = (float)(flip * s / scale);
            flowMatrix[i * 4 + 2] = (float)(-s / scale);
            flowMatrix[i * 4 + 3] = (float)(c / scale);
            contrast[i] = (float)(0.8 + 0.4 * random.NextDouble());
            brightness[i] = (float)(0.2 * (random.NextDouble() - 0.5));
        }
        var device = clips.device;
        var grid = nn.functional.affine_grid(tensor(theta, [b, 2, 3], device: device), [b, ch * t, h, w], align_corners: false);
        var warped = nn.functional.grid_sample(clips.reshape(b, ch * t, h, w), grid, GridSampleMode.Bilinear,
            GridSamplePaddingMode.Border, align_corners: false).reshape(b, ch, t, h, w);

        var image = settings.ImageChannels;
        var appearance = warped[.., ..image];
        var u = warped[.., image..(image + 1)];
        var v = warped[.., (image + 1)..(image + 2)];
        var m = tensor(flowMatrix, [b, 4, 1, 1, 1, 1], device: device);
        var flowU = m[.., 0] * u + m[.., 1] * v;
        var flowV = m[.., 2] * u + m[.., 3] * v;
        var gain = tensor(contrast, [b, 1, 1, 1, 1], device: device);
        var offset = tensor(brightness, [b, 1, 1, 1, 1], device: device);
        appearance = (appearance * gain + offset).clamp(-1, 1);
        return cat([appearance, flowU, flowV], 1).MoveToOuterDisposeScope();
    }
}
