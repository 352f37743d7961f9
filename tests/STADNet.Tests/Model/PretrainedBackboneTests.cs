using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using STADNet.Model;
using STADNet.Model.Pretrained;
using STADNet.Tests.Support;
using static TorchSharp.torch;

namespace STADNet.Tests.Model;

/// <summary>The frozen ImageNet backbone the object novelty sees through, run from its ONNX file by TorchSharp.</summary>
public sealed class PretrainedBackboneTests
{
    private const int Side = ImageNetBackbone.InputSize;

    /// <summary>A window-like picture on 0..255: a lit gradient, a dark upright figure and a wheel-like ring.</summary>
    private static float[] Picture()
    {
        var pixels = new float[3 * Side * Side];
        for (var c = 0; c < 3; c++)
        for (var y = 0; y < Side; y++)
        for (var x = 0; x < Side; x++)
        {
            double v = 90 + 0.4 * x + 0.2 * y + 10 * c;
            if (x is > 60 and < 100 && y is > 30 and < 190) v = 40;
            var r = Math.Sqrt((x - 160) * (x - 160) + (y - 150) * (y - 150));
            if (r is > 30 and < 38) v = 20;
            pixels[(c * Side + y) * Side + x] = (float)v;
        }
        return pixels;
    }

    [Fact]
    public async Task The_backbone_gives_the_features_ONNX_Runtime_gives_for_the_same_picture()
    {
        var picture = Picture();
        var ours = await ModelThread.Run(() =>
        {
            using var backbone = ImageNetBackbone.LoadDefault();
            using var input = tensor(picture, [1, 3, Side, Side]);
            using var features = backbone.Features(input);
            return features.data<float>().ToArray();
        });

        // ONNX Runtime runs the same file; its input is the picture minus the export's channel means.
        float[] means = [114.5949f, 124.4379f, 125.8863f];
        using var session = new InferenceSession(Path.Combine(AppContext.BaseDirectory, ImageNetBackbone.FileName));
        var input = new DenseTensor<float>(picture.Select((v, i) => v - means[i / (Side * Side)]).ToArray(), [1, 3, Side, Side]);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(session.InputMetadata.Keys.Single(), input)]);
        var theirs = results.Single().AsEnumerable<float>().ToArray();

        Assert.Equal(ImageNetBackbone.FeatureLength, ours.Length);
        Assert.Equal(theirs.Length, ours.Length);
        var scale = theirs.Max(Math.Abs);
        Assert.True(scale > 0.1, "a real picture gives features, not zeros");
        var worst = ours.Zip(theirs, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(worst < 1e-3 * scale, $"largest difference {worst} against features up to {scale}");
    }

    [Fact]
    public void A_file_that_is_not_an_ONNX_model_or_is_missing_is_refused_with_a_clear_message()
    {
        using var temp = new TempFolder();
        File.WriteAllBytes(temp.Combine("bad.onnx"), [0x08, 0x07, 0x3a, 0xff, 0xff, 0x01, 0x00]);
        var error = Assert.Throws<InvalidDataException>(() => OnnxGraph.Read(temp.Combine("bad.onnx")));
        Assert.Contains("not a readable ONNX model", error.Message);
        error = Assert.Throws<InvalidDataException>(() => OnnxGraph.Read(temp.Combine("missing.onnx")));
        Assert.Contains("cannot read the pretrained model", error.Message);
    }
}
