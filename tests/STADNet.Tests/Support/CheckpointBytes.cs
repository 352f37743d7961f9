using System.Security.Cryptography;
using System.Text;
using STADNet.Model;

namespace STADNet.Tests.Support;

/// <summary>Checkpoint files of other format versions, made from the shipped one with a valid checksum.</summary>
public static class CheckpointBytes
{
    public static byte[] WithVersion(byte[] checkpoint, int version)
    {
        var bytes = checkpoint.ToArray();
        BitConverter.GetBytes(version).CopyTo(bytes, 8);
        SHA256.HashData(bytes.AsSpan(0, bytes.Length - 32)).CopyTo(bytes, bytes.Length - 32);
        return bytes;
    }

    /// <summary>
    /// A file of an older format laid out as those really are: the shipped checkpoint's header without the crowd correction
    /// (format 8 added it) and the speed term (format 6 added it), and learned weights: before format 7 without the mark that the object memory holds directions
    /// (its memory is the shipped one's directions, which such a file then compares as raw features), before format 5
    /// without the normal object memory and, before format 4, without the normal features.
    /// </summary>
    public static async Task<byte[]> AsOlderFormat(string checkpoint, int version)
    {
        var shipped = Checkpoint.Load(checkpoint);
        using var temp = new TempFolder();
        var path = temp.Combine("old.ckpt");
        await ModelThread.Run(() =>
        {
            using var model = shipped.CreateModel();
            using var weights = new MemoryStream();
            using (var writer = new BinaryWriter(weights, Encoding.UTF8, leaveOpen: true))
                model.save(writer, skip: [
                    .. version < 7 ? ["objects.directions"] : Array.Empty<string>(),
                    .. version < 5 ? ["objects.memory", "objects.count"] : Array.Empty<string>(),
                    .. version < 4 ? ["normality.mean", "normality.precision", "normality.samples"] : Array.Empty<string>()]);
            var header = shipped.Header with
            {
                Calibration = shipped.Header.Calibration with { Speeds = null, SpeedWeight = 0, SpeedWeightChecks = null, Crowd = null, CrowdChecks = null,
                    Glides = null, GlideWeight = 0, GlideWeightChecks = null },
            };
            Checkpoint.Save(path, header, weights.ToArray());
            return 0;
        });
        return WithVersion(File.ReadAllBytes(path), version);
    }
}
