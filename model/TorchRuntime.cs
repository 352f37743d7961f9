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
            // kept: resident memory creeps up scan after scan. A fixed threshold returns them.
            _ = MallocOption(MmapThreshold, 1 << 20);
        }
    }

    private const int MmapThreshold = -3; // M_MMAP_THRESHOLD

    [DllImport("libc", EntryPoint = "mallopt")]
    private static extern int MallocOption(int option, int value);

    [DllImport("libc", EntryPoint = "setenv", CharSet = CharSet.Ansi, BestFitMapping = false)]
    private static extern int SetEnv(string name, string value, int overwrite);
}
