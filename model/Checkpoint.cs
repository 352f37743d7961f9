using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using STADNet.Model.Modules;
using TorchSharp;

namespace STADNet.Model;

/// <summary>
/// One versioned file: magic, format version, JSON header (settings, calibration, training
/// record), weights, and a SHA-256 of all that precedes it, so any corruption is refused.
/// </summary>
public sealed class Checkpoint
{
    /// <summary>
    /// 10: the share of a cell's pixels that must move for its glide to count, in the calibration (<see cref="GlideCalibration.MovingShare"/>);
    /// a version 9 file's glides were fitted with a quarter (<see cref="MoverGlide.FirstMovingShare"/>) and are measured so, and a
    /// build that reads 9 at most refuses a 10 rather than measure its glides with a share they were not fitted with.
    /// 9: the mover glide term in the calibration (<see cref="GlideCalibration"/>); a version 8 file scores as one without it,
    /// and a build that reads 8 at most refuses a 9 rather than score it without its glide term.
    /// 8: the crowd correction in the calibration (<see cref="CrowdCalibration"/>); a version 7 file scores as one without
    /// it, and a build that reads 7 at most refuses an 8 rather than score it without its correction. Object novelty now
    /// samples one frame in 5 with 2 windows each (<see cref="ObjectNovelty.Stride"/>), where a version 5 to 7 file's object
    /// term was calibrated on one in 10 with 4: such a file scores with today's sampling against statistics of the old, so
    /// refit it with <c>stadnet calibrate --model</c> (minutes) before trusting its object term.
    /// 7: the weights store whether the normal object memory holds directions (<see cref="Modules.ObjectNormality.ComparesDirections"/>,
    /// set by every fit); a version 5 or 6 file's memory holds raw features and is compared as such, so it scores as it did.
    /// 6: the mover speed term in the calibration (<see cref="SpeedCalibration"/>); a version 5 file scores as one
    /// without it, and a build that reads 5 at most refuses a 6 rather than score it without its speed term.
    /// 5: room for the memory of normal moving windows in the weights (object novelty, see
    /// <see cref="ObjectNovelty"/>); a version 4 file scores as one whose memory is empty.
    /// 4: the Gaussians of normal encoder features in the weights, and their novelty in the score.
    /// 3 (per-cell calibration of patch errors, no feature novelty) and 2 (one calibration for the
    /// whole frame) are refused for scoring: their weights are still good, and <c>stadnet calibrate</c>
    /// refits the normal features and calibration in about a minute, which beats keeping a second,
    /// weaker score formula alive.
    /// </summary>
    public const int FormatVersion = 10;
    /// <summary>The first version whose weights hold every tensor the model has.</summary>
    private const int CompleteWeightsVersion = 7;
    /// <summary>The oldest version that is scored as it is.</summary>
    public const int OldestScoringVersion = 4;
    /// <summary>The oldest version whose weights <see cref="LoadWeights"/> still reads.</summary>
    public const int OldestWeightsVersion = 2;
    private static readonly byte[] Magic = "STADNETC"u8.ToArray();
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = false };

    private Checkpoint(CheckpointHeader header, byte[] weights, string id, int version)
    {
        Header = header;
        Weights = weights;
        Id = id;
        Version = version;
    }

    public CheckpointHeader Header { get; }
    /// <summary>TorchSharp state-dict bytes.</summary>
    public byte[] Weights { get; }
    /// <summary>First 12 hex digits of the file's checksum: two files with the same id hold the same model.</summary>
    public string Id { get; }
    /// <summary>The file's format version.</summary>
    public int Version { get; }

    public StadNet CreateModel(TorchSharp.torch.Device? device = null) => Build(Header.Settings, Weights, device, Version);

    /// <param name="version">
    /// The file's format version: weights older than 7 do not mark their object memory as directions (it holds raw
    /// features), older than 5 have no normal object memory, older than 4 no normal features either; those stay unfitted.
    /// </param>
    internal static StadNet Build(ModelSettings settings, byte[] weights, TorchSharp.torch.Device? device, int version)
    {
        TorchRuntime.EnsureInitialised();
        var model = new StadNet("stadnet", settings);
        using (var reader = new BinaryReader(new MemoryStream(weights)))
        {
            if (version >= CompleteWeightsVersion)
                model.load(reader, strict: true);
            else
            {
                // Not strict only about what the file's version lacks: every learned weight must still be there.
                string[] absent = version switch { >= 5 => ["objects.directions"], 4 => ["objects."], _ => ["objects.", "normality."] };
                var loaded = new Dictionary<string, bool>();
                model.load(reader, strict: false, loadedParameters: loaded);
                var missing = model.state_dict().Keys.Where(k => !absent.Any(a => k.StartsWith(a, StringComparison.Ordinal)) && !loaded.GetValueOrDefault(k)).ToList();
                if (missing.Count > 0) throw new InvalidDataException($"weights missing: {string.Join(", ", missing.Take(5))}");
            }
        }
        if (device is not null) model.to(device);
        model.eval();
        return model;
    }

    public static void Save(string path, CheckpointHeader header, StadNet model)
    {
        using var weights = new MemoryStream();
        using (var writer = new BinaryWriter(weights, Encoding.UTF8, leaveOpen: true))
            model.save(writer);
        Save(path, header, weights.ToArray());
    }

    /// <summary>Writes a checkpoint of state-dict bytes as they are.</summary>
    public static void Save(string path, CheckpointHeader header, byte[] weights)
    {
        var headerBytes = JsonSerializer.SerializeToUtf8Bytes(header, Json);
        using var body = new MemoryStream();
        using (var writer = new BinaryWriter(body, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Magic);
            writer.Write(FormatVersion);
            writer.Write(headerBytes.Length);
            writer.Write(headerBytes);
            writer.Write((long)weights.Length);
            writer.Write(weights);
        }
        var hash = SHA256.HashData(body.GetBuffer().AsSpan(0, (int)body.Length));
        body.Write(hash);
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory)) Directory.CreateDirectory(directory);
        var temp = path + ".tmp";
        File.WriteAllBytes(temp, body.ToArray());
        File.Move(temp, path, overwrite: true);
    }

    public static Checkpoint Load(string path) => Parse(Read(path), path);

    public static Checkpoint Parse(byte[] bytes, string name)
    {
        var version = FileVersion(bytes, name);
        if (version is >= OldestWeightsVersion and < OldestScoringVersion)
            throw new CheckpointException($"{name} has checkpoint format version {version}, whose score formula this build no longer uses; "
                + $"recalibrate it on normal footage: stadnet calibrate <folder> --model {name} --out <new.ckpt>");
        if (version is < OldestScoringVersion or > FormatVersion)
            throw new CheckpointException($"{name} has checkpoint format version {version}; this build reads versions {OldestScoringVersion} to {FormatVersion}");
        var (headerBytes, weights, id) = Body(bytes, name);
        return Usable(name, () =>
        {
            var header = JsonSerializer.Deserialize<CheckpointHeader>(headerBytes, Json)
                         ?? throw new CheckpointException($"{name} has an empty header");
            header.Settings.Validate();
            var checkpoint = new Checkpoint(header, weights, id, version);
            using var probe = checkpoint.CreateModel(); // refuse weights that do not fit the stated architecture now, not mid-scan
            if (probe.Normality.Samples < 2) throw new CheckpointException($"{name} has no normal features fitted; refit them: stadnet calibrate <folder> --model {name} --out <new.ckpt>");
            return checkpoint;
        });
    }

    /// <summary>The network of a checkpoint of this or an older readable format, its calibration left aside.</summary>
    public static CheckpointWeights LoadWeights(string path)
    {
        var bytes = Read(path);
        var version = FileVersion(bytes, path);
        if (version < OldestWeightsVersion || version > FormatVersion)
            throw new CheckpointException($"{path} has checkpoint format version {version}; this build reads versions {OldestWeightsVersion} to {FormatVersion}");
        var (headerBytes, weights, _) = Body(bytes, path);
        return Usable(path, () =>
        {
            var part = JsonSerializer.Deserialize<CheckpointWeights>(headerBytes, Json)
                       ?? throw new CheckpointException($"{path} has an empty header");
            part.Settings.Validate();
            part = part with { Weights = weights, Version = version };
            using var probe = part.CreateModel();
            return part;
        });
    }

    private static byte[] Read(string path)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CheckpointException($"cannot read checkpoint {path}: {e.Message}", e);
        }
    }

    private static int FileVersion(byte[] bytes, string name)
    {
        if (bytes.Length < Magic.Length + 8 + 32 || !bytes.AsSpan(0, Magic.Length).SequenceEqual(Magic))
            throw new CheckpointException($"{name} is not a STADNet checkpoint");
        return BitConverter.ToInt32(bytes, Magic.Length);
    }

    /// <summary>Header JSON, weights and id of a file whose checksum matches.</summary>
    private static (byte[] Header, byte[] Weights, string Id) Body(byte[] bytes, string name)
    {
        var bodyLength = bytes.Length - 32;
        var hash = SHA256.HashData(bytes.AsSpan(0, bodyLength));
        if (!hash.AsSpan().SequenceEqual(bytes.AsSpan(bytes.Length - 32)))
            throw new CheckpointException($"{name} is corrupt: its checksum does not match its contents");
        return Usable(name, () =>
        {
            using var reader = new BinaryReader(new MemoryStream(bytes, Magic.Length + 4, bodyLength - Magic.Length - 4));
            var headerBytes = reader.ReadBytes(reader.ReadInt32());
            var weights = reader.ReadBytes((int)reader.ReadInt64());
            return (headerBytes, weights, Convert.ToHexStringLower(hash)[..12]);
        });
    }

    private static T Usable<T>(string name, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (e is not CheckpointException)
        {
            throw new CheckpointException($"{name} is not a usable STADNet checkpoint: {e.Message}", e);
        }
    }
}
