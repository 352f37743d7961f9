using System.Runtime.InteropServices;

namespace STADNet.Model;

/// <summary>
/// Process-wide settings that must be in place before libtorch loads. LibTorch's OpenMP threads
/// spin while they wait by default; next to FFmpeg decoders on a small machine that spinning eats
/// the cores the decoders need (end-to-end scans ran a third slower). Passive waiting fixes that.
/// A value the user set in the environment wins.
/// </summary>
public static class TorchRuntime
{
    private static int initialised;

    public static void EnsureInitialised()
    {
        if (Interlocked.Exchange(ref initialised, 1) == 1) return;
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) return;
        // Environment.SetEnvironmentVariable changes only .NET's copy; OpenMP reads the C environment.
        _ = SetEnv("OMP_WAIT_POLICY", "PASSIVE", overwrite: 0);
        if (OperatingSystem.IsLinux())
        {
            // glibc raises its mmap threshold after the first large free, after which every big
            // transient tensor (optical flow over a shard) is carved from the heap and its pages
            // kept: resident memory creeps up scan after scan. A fixed threshold returns them. It
            // is 32 MiB, not lower: at 1 MiB every activation of the pretrained backbone was mapped
            // and faulted in afresh, and the network and backbone ran at half speed. Freed heap is
            // kept up to the trim threshold while a shard is scored; ReleaseFreedMemory returns it after.
            if (Environment.GetEnvironmentVariable("MALLOC_MMAP_THRESHOLD_") is null) _ = MallocOption(MmapThreshold, 32 << 20);
            if (Environment.GetEnvironmentVariable("MALLOC_TRIM_THRESHOLD_") is null) _ = MallocOption(TrimThreshold, 128 << 20);
        }
    }

    /// <summary>
    /// Hands the free pages of every malloc arena back to the system (Linux; elsewhere nothing). Called when a
    /// model slot runs out of queued shards: while shards keep coming, freed tensors are reused from the heap; when
    /// the work pauses, resident memory returns to the same floor, so it stays flat however many scans a silo runs.
    /// </summary>
    public static void ReleaseFreedMemory()
    {
        if (OperatingSystem.IsLinux()) _ = MallocTrim(0);
    }

    [DllImport("libc", EntryPoint = "malloc_trim")]
    private static extern int MallocTrim(nuint pad);

    private const int MmapThreshold = -3; // M_MMAP_THRESHOLD
    private const int TrimThreshold = -1; // M_TRIM_THRESHOLD

    [DllImport("libc", EntryPoint = "mallopt")]
    private static extern int MallocOption(int option, int value);

    [DllImport("libc", EntryPoint = "setenv", CharSet = CharSet.Ansi, BestFitMapping = false)]
    private static extern int SetEnv(string name, string value, int overwrite);
}
