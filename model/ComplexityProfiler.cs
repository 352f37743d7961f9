using System.Diagnostics;
using STADNet.Model.Modules;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace STADNet.Model;

/// <summary>Counts and times a network. Call on a model thread.</summary>
public static class ComplexityProfiler
{
    public static ModelComplexity Measure(StadNet model, ModelSettings settings, int repeats = 5)
    {
        TorchRuntime.EnsureInitialised();
        model.eval();
        var parameters = model.parameters().Sum(p => p.numel());
        long multiplyAdds = 0;
        var removers = new List<Action>();
        foreach (var (_, module) in model.named_modules())
        {
            if (module is Linear or Conv2d or Conv3d or ConvTranspose3d && module is nn.Module<Tensor, Tensor> layer)
            {
                var remover = layer.register_forward_hook((m, input, output) =>
                {
                    multiplyAdds += MultiplyAdds(m, input, output);
                    return output;
                });
                removers.Add(remover.remove);
            }
        }
        using (inference_mode())
        using (var scope = NewDisposeScope())
            model.Run(zeros([1, settings.InputChannels, settings.ClipFrames, settings.Height, settings.Width])).Dispose();
        foreach (var remove in removers) remove();
        // The normal-feature distances are matrix products, not layers a hook sees.
        multiplyAdds += FeatureNormality.MultiplyAdds(settings.ClipFrames / 2 * settings.EncodingPositions, settings.EncodingChannels);

        const int clips = 16;
        var network = Time(repeats, () =>
        {
            using var clip = randn([clips, settings.InputChannels, settings.ClipFrames, settings.Height, settings.Width]);
            using var output = model.Run(clip);
            model.Normality.forward(output.Encoding).Dispose();
        }) / (clips * settings.ClipFrames);
        const int pairs = 32;
        using var flow = new OpticalFlow();
        var flowMs = Time(repeats, () =>
        {
            using var previous = rand([pairs, 1, settings.DecodeHeight, settings.DecodeWidth]);
            using var next = rand([pairs, 1, settings.DecodeHeight, settings.DecodeWidth]);
            flow.forward(previous, next).Dispose();
        }) / pairs;
        return new ModelComplexity(parameters, 2.0 * multiplyAdds / 1e9, network, flowMs, get_num_threads());
    }

    private static long MultiplyAdds(nn.Module module, Tensor input, Tensor output)
    {
        var weight = module.named_parameters().First(p => p.name == "weight").parameter;
        return module switch
        {
            // Each input element is spread over (out channels x kernel) outputs.
            ConvTranspose3d => input.numel() * (weight.numel() / weight.shape[0]),
            // Each output element gathers (in channels / groups x kernel) inputs.
            _ => output.numel() * (weight.numel() / weight.shape[0]),
        };
    }

    /// <summary>Mean milliseconds of one run after a warm-up run, under inference mode.</summary>
    private static double Time(int repeats, Action run)
    {
        using var mode = inference_mode();
        run();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < repeats; i++)
        {
            using var scope = NewDisposeScope();
            run();
        }
        return clock.Elapsed.TotalMilliseconds / repeats;
    }
}
