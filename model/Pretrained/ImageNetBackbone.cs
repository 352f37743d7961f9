using TorchSharp;
using static TorchSharp.torch;

namespace STADNet.Model.Pretrained;

/// <summary>
/// ImageNet-pretrained ResNet18 (ML.NET's DnnImageFeaturizer export, 224x224 in, 512 pooled
/// features out), run from its ONNX graph with TorchSharp operations. It is frozen: it gives the
/// score a view of what a thing in the frame is (a bicycle, a cart), which a network trained only
/// on normal footage of one camera does not learn. Batch normalisation is folded into the
/// convolution before it, which gives the same features for less work. Create and use it on one
/// model thread.
/// </summary>
public sealed class ImageNetBackbone : IDisposable
{
    /// <summary>Side of the square input the network was trained at; smaller inputs lose the object-level features.</summary>
    public const int InputSize = 224;
    /// <summary>Length of a feature vector.</summary>
    public const int FeatureLength = 512;
    /// <summary>File name of the ONNX model next to the binaries (the build copies it there from its NuGet package).</summary>
    public const string FileName = "pretrained/resnet18-imagenet.onnx";

    /// <summary>
    /// Per-channel means on 0..255 that the export's companion preprocessing model
    /// (ResNetPreprocess.onnx) subtracts; it does nothing else.
    /// </summary>
    private static readonly float[] ChannelMeans = [114.5949f, 124.4379f, 125.8863f];

    private static readonly HashSet<string> Supported = ["Conv", "BatchNormalization", "Relu", "MaxPool", "AveragePool", "Add"];

    private readonly IReadOnlyList<OnnxNode> nodes;
    private readonly Dictionary<string, Tensor> weights = new();
    private readonly Dictionary<string, Tensor> biases = new();
    /// <summary>Outputs of folded batch normalisations, each the output of the convolution it was folded into.</summary>
    private readonly Dictionary<string, string> folded = new();
    private readonly Tensor means;

    public ImageNetBackbone(OnnxGraph graph, Device? device = null)
    {
        var unsupported = graph.Nodes.Select(n => n.Op).Where(op => !Supported.Contains(op)).Distinct().ToList();
        if (unsupported.Count > 0) throw new InvalidDataException($"the pretrained model uses operations this runner lacks: {string.Join(", ", unsupported)}");
        nodes = graph.Nodes;
        device ??= CPU;
        using var scope = NewDisposeScope();
        var values = graph.Initialisers.ToDictionary(i => i.Key, i => tensor(i.Value.Values, i.Value.Dims));
        var producers = nodes.Select((n, i) => (n.Outputs[0], i)).ToDictionary(p => p.Item1, p => p.i);
        foreach (var node in nodes.Where(n => n.Op == "BatchNormalization"))
        {
            if (!producers.TryGetValue(node.Inputs[0], out var producer) || nodes[producer].Op != "Conv") continue;
            var conv = nodes[producer];
            var (scale, shift) = Affine(node, values);
            values[conv.Inputs[1]] = values[conv.Inputs[1]] * scale.reshape(-1, 1, 1, 1);
            biases[conv.Outputs[0]] = conv.Inputs.Count > 2 ? values[conv.Inputs[2]] * scale + shift : shift;
            folded[node.Outputs[0]] = conv.Outputs[0];
        }
        foreach (var node in nodes.Where(n => n.Op == "Conv" || (n.Op == "BatchNormalization" && !folded.ContainsKey(n.Outputs[0]))))
            foreach (var input in node.Inputs.Skip(1).Where(values.ContainsKey))
                weights[input] = values[input];
        foreach (var key in weights.Keys.ToList()) weights[key] = weights[key].to(device).DetachFromDisposeScope();
        foreach (var key in biases.Keys.ToList()) biases[key] = biases[key].to(device).DetachFromDisposeScope();
        means = tensor(ChannelMeans).reshape(1, 3, 1, 1).to(device).DetachFromDisposeScope();
    }

    /// <summary>The backbone from the ONNX file the build places next to the binaries.</summary>
    public static ImageNetBackbone LoadDefault(Device? device = null)
    {
        var path = Path.Combine(AppContext.BaseDirectory, FileName);
        if (!File.Exists(path)) throw new FileNotFoundException($"the pretrained backbone {path} is missing; it is copied there by the build (dotnet build)", path);
        return new ImageNetBackbone(OnnxGraph.Read(path), device);
    }

    /// <summary>[N, 1 or 3, 224, 224] images on 0..255 (grey is repeated over the three channels) to [N, 512] features.</summary>
    public Tensor Features(Tensor images)
    {
        using var scope = NewDisposeScope();
        var x = (images.shape[1] == 1 ? images.expand(-1, 3, -1, -1) : images) - means;
        var values = new Dictionary<string, Tensor> { [nodes[0].Inputs[0]] = x };
        Tensor Value(string name) => values.TryGetValue(name, out var v) ? v : weights[name];
        Tensor? last = null;
        foreach (var node in nodes)
        {
            var input = Value(node.Inputs[0]);
            last = node.Op switch
            {
                "Conv" => Convolution(node, input),
                "BatchNormalization" when folded.TryGetValue(node.Outputs[0], out var conv) => values[conv],
                "BatchNormalization" => Normalise(node, input),
                "Relu" => nn.functional.relu(input),
                "Add" => input + Value(node.Inputs[1]),
                "MaxPool" => nn.functional.max_pool2d(Pad(input, node, float.NegativeInfinity), Attribute(node, "kernel_shape"), Attribute(node, "strides")),
                "AveragePool" => nn.functional.avg_pool2d(Pad(input, node, 0), Attribute(node, "kernel_shape"), Attribute(node, "strides")),
                _ => throw new InvalidOperationException(node.Op),
            };
            values[node.Outputs[0]] = last;
        }
        return last!.flatten(1).MoveToOuterDisposeScope();
    }

    private Tensor Convolution(OnnxNode node, Tensor input)
    {
        var bias = biases.GetValueOrDefault(node.Outputs[0]) ?? (node.Inputs.Count > 2 ? weights[node.Inputs[2]] : null);
        var groups = node.Attributes.TryGetValue("group", out var g) && g.Length > 0 ? g[0] : 1;
        var dilations = node.Attributes.TryGetValue("dilations", out var d) && d.Length == 2 ? d : [1, 1];
        // Symmetric pads go to the convolution itself: padding a copy first costs a pass over every activation.
        if (node.Attributes.TryGetValue("pads", out var p) && p.Length == 4 && p[0] == p[2] && p[1] == p[3])
            return nn.functional.conv2d(input, weights[node.Inputs[1]], bias, Attribute(node, "strides"), padding: [p[0], p[1]], dilation: dilations, groups: groups);
        return nn.functional.conv2d(Pad(input, node, 0), weights[node.Inputs[1]], bias, Attribute(node, "strides"), dilation: dilations, groups: groups);
    }

    private Tensor Normalise(OnnxNode node, Tensor input)
    {
        var (scale, shift) = Affine(node, weights);
        return input * scale.reshape(1, -1, 1, 1) + shift.reshape(1, -1, 1, 1);
    }

    /// <summary>Batch normalisation as a per-channel scale and shift (inputs: x, scale, bias, mean, variance).</summary>
    private static (Tensor Scale, Tensor Shift) Affine(OnnxNode node, IReadOnlyDictionary<string, Tensor> values)
    {
        const double epsilon = 1e-5; // ONNX's default and the export's value (float attributes are not read)
        var scale = values[node.Inputs[1]] / (values[node.Inputs[4]] + epsilon).sqrt();
        return (scale, values[node.Inputs[2]] - values[node.Inputs[3]] * scale);
    }

    /// <summary>ONNX pads are [top, left, bottom, right] and may be asymmetric; torch pads are [left, right, top, bottom].</summary>
    private static Tensor Pad(Tensor input, OnnxNode node, double value)
    {
        if (!node.Attributes.TryGetValue("pads", out var p) || p.Length != 4 || p.All(v => v == 0)) return input;
        return nn.functional.pad(input, [p[1], p[3], p[0], p[2]], value: value);
    }

    private static long[] Attribute(OnnxNode node, string name) =>
        node.Attributes.TryGetValue(name, out var v) && v.Length > 0 ? v : name == "strides" ? [1, 1] : throw new InvalidDataException($"{node.Op} has no {name}");

    public void Dispose()
    {
        foreach (var t in weights.Values) t.Dispose();
        foreach (var t in biases.Values) t.Dispose();
        means.Dispose();
    }
}
