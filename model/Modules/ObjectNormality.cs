using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace STADNet.Model.Modules;

/// <summary>
/// What the moving things of normal footage look like to the pretrained backbone
/// (<see cref="Pretrained.ImageNetBackbone"/>): a memory of at most <see cref="Capacity"/> feature
/// vectors of moving windows of the normal training footage, fitted after training, not by gradient.
/// A window's novelty is its distance to the nearest one: a bicycle or a cart among walkers is far
/// from every walker the camera showed. When normal footage gives more windows than fit, a greedy
/// farthest-point subset is kept, which covers the rare normal looks as well as the common ones.
/// In [K, D] window features, out [K] distances.
/// </summary>
public sealed class ObjectNormality : Module<Tensor, Tensor>
{
    /// <summary>Windows the memory holds (4 MiB of the checkpoint at 512 features).</summary>
    public const int Capacity = 2048;

    private readonly Tensor memory;
    private readonly Tensor count;

    public ObjectNormality(string name, long features) : base(name)
    {
        memory = zeros(Capacity, features);
        count = zeros(1);
        RegisterComponents();
    }

    /// <summary>Normal windows held; 0 until fitted.</summary>
    public int Count => (int)count.cpu().item<float>();

    public override Tensor forward(Tensor windows)
    {
        var held = Count;
        if (held == 0) throw new InvalidOperationException("the normal object memory is not fitted");
        using var scope = NewDisposeScope();
        return cdist(windows, memory[..held]).amin(1).MoveToOuterDisposeScope();
    }

    /// <summary>Keeps <paramref name="windows"/> [N, D] features of normal moving windows, or a farthest-point subset of them when N exceeds <see cref="Capacity"/>.</summary>
    public void Fit(Tensor windows)
    {
        if (windows.shape[0] < 1) throw new InvalidOperationException("fitting the normal object memory needs at least one moving window of normal footage");
        using var scope = NewDisposeScope();
        using var grad = no_grad();
        var kept = windows.shape[0] <= Capacity ? windows : windows.index_select(0, FarthestPoints(windows, Capacity));
        memory.zero_();
        memory[..(int)kept.shape[0]].copy_(kept.to(memory.dtype).to(memory.device));
        count.fill_(kept.shape[0]);
    }

    /// <summary>Forgets every window: the model then has no object novelty.</summary>
    public void Clear()
    {
        using var grad = no_grad();
        memory.zero_();
        count.zero_();
    }

    /// <summary>Greedy k-centre: start from the first window, then repeatedly add the one farthest from all kept.</summary>
    private static Tensor FarthestPoints(Tensor x, int k)
    {
        var chosen = new long[k];
        var nearest = cdist(x, x[..1]).squeeze(1);
        for (var i = 1; i < k; i++)
        {
            var next = nearest.argmax().item<long>();
            chosen[i] = next;
            nearest = minimum(nearest, cdist(x, x.narrow(0, next, 1)).squeeze(1));
        }
        return tensor(chosen, device: x.device);
    }
}
