using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace STADNet.Model.Modules;

/// <summary>
/// What the moving things of normal footage look like to the pretrained backbone
/// (<see cref="Pretrained.ImageNetBackbone"/>): a memory of at most <see cref="Capacity"/> feature
/// vectors of moving windows of the normal training footage, fitted after training, not by gradient.
/// A window's novelty is its distance to the nearest one: a bicycle or a cart among walkers is far
/// from every walker the camera showed. Features are compared as directions (scaled to unit length):
/// how strongly a window excites the backbone follows its contrast and how much of it is filled,
/// which says little about what the thing is. When normal footage gives more windows than
/// <see cref="Capacity"/>, a greedy farthest-point subset is kept, which covers the rare normal looks
/// as well as the common ones. In [K, D] window features, out [K] distances.
/// </summary>
public sealed class ObjectNormality : Module<Tensor, Tensor>
{
    /// <summary>
    /// Windows the memory holds (4 MiB of the checkpoint at 512 features). On Ped2's held-out check (no test labels
    /// involved; 19,985 normal windows) 512, 1024, 2048 and 4096 directions gave AUC 0.9395, 0.9388, 0.9450 and 0.9413
    /// (the check then judged held-out footage against the whole memory, which held its video's own people).
    /// </summary>
    public const int Capacity = 2048;

    private readonly Tensor memory;
    private readonly Tensor count;
    /// <summary>1 when the memory holds directions (set by every fit now); 0 unfitted, cleared, or read from a file of format 5 or 6, whose memory held raw features.</summary>
    private readonly Tensor directions;

    public ObjectNormality(string name, long features) : base(name)
    {
        memory = zeros(Capacity, features);
        count = zeros(1);
        directions = zeros(1);
        RegisterComponents();
    }

    /// <summary>Normal windows held; 0 until fitted.</summary>
    public int Count => (int)count.cpu().item<float>();

    /// <summary>Whether windows are compared as directions: true once fitted; false for a memory read from a file of format 5 or 6 (raw features), and unfitted.</summary>
    public bool ComparesDirections => directions.cpu().item<float>() > 0;

    public override Tensor forward(Tensor windows)
    {
        var held = Count;
        if (held == 0) throw new InvalidOperationException("the normal object memory is not fitted");
        using var scope = NewDisposeScope();
        var compared = ComparesDirections ? functional.normalize(windows, dim: 1) : windows;
        return cdist(compared, memory[..held]).amin(1).MoveToOuterDisposeScope();
    }

    /// <summary>Keeps the directions of <paramref name="windows"/> [N, D] features of normal moving windows, or a farthest-point subset of them when N exceeds <see cref="Capacity"/>.</summary>
    public void Fit(Tensor windows)
    {
        if (windows.shape[0] < 1) throw new InvalidOperationException("fitting the normal object memory needs at least one moving window of normal footage");
        using var scope = NewDisposeScope();
        using var grad = no_grad();
        var unit = functional.normalize(windows.to(memory.dtype), dim: 1);
        var kept = unit.shape[0] <= Capacity ? unit : unit.index_select(0, FarthestPoints(unit, Capacity));
        memory.zero_();
        memory[..(int)kept.shape[0]].copy_(kept.to(memory.device));
        count.fill_(kept.shape[0]);
        directions.fill_(1);
    }

    /// <summary>Forgets every window: the model then has no object novelty.</summary>
    public void Clear()
    {
        using var grad = no_grad();
        memory.zero_();
        count.zero_();
        directions.zero_();
    }

    /// <summary>
    /// Greedy k-centre: start from the first window, then repeatedly add the one farthest from all kept. Squared distances
    /// from the norms and one matrix-vector product a step: a cdist a step made fitting 20,000 windows take minutes.
    /// </summary>
    private static Tensor FarthestPoints(Tensor x, int k)
    {
        using var scope = NewDisposeScope();
        var chosen = new long[k];
        var norms = x.square().sum(1);
        var nearest = SquaredDistances(x, norms, 0);
        for (var i = 1; i < k; i++)
        {
            using var step = NewDisposeScope();
            var next = nearest.argmax().item<long>();
            chosen[i] = next;
            nearest.copy_(minimum(nearest, SquaredDistances(x, norms, next)));
        }
        return tensor(chosen, device: x.device).MoveToOuterDisposeScope();
    }

    /// <summary>Squared distances of every row of <paramref name="x"/> to row <paramref name="row"/>, never below 0.</summary>
    private static Tensor SquaredDistances(Tensor x, Tensor norms, long row) =>
        (norms - 2 * x.mv(x[row]) + norms[row]).clamp_min_(0);
}
