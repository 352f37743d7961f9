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
    /// <summary>2: STADNet with both streams, attention, segment head and the three-part score formula.</summary>
    public const int FormatVersion = 2;
    private static readonly byte[] Magic = "STADNETC"u8.ToArray();
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = false };

    private Checkpoint(CheckpointHeader header, byte[] weights, string id)
    {
        Header = header;
        Weights = weights;
        Id = id;
    }

    public CheckpointHeader Header { get; }
    /// <summary>TorchSharp state-dict bytes.</summary>
    public byte[] Weights { get; }
    /// <summary>First 12 hex digits of the file's checksum: two files with the same id hold the same model.</summary>
    public string Id { get; }

    public StadNet CreateModel(TorchSharp.torch.Device? device = null)
    {
        TorchRuntime.EnsureInitialised();
        var model = new StadNet("stadnet", Header.Settings);
        using (var reader = new BinaryReader(new MemoryStream(Weights)))
            model.load(reader, strict: true);
        if (device is not null) model.to(device);
        model.eval();
        return model;
    }

    public static void Save(string path, CheckpointHeader header, StadNet model)
    {
        using var weights = new MemoryStream();
        using (var writer = new BinaryWriter(weights, Encoding.UTF8, leaveOpen: true))
            model.save(writer);
        var headerBytes = JsonSerializer.SerializeToUtf8Bytes(header, Json);
        using var body = new MemoryStream();
        using (var writer = new BinaryWriter(body, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Magic);
            writer.Write(FormatVersion);
            writer.Write(headerBytes.Length);
            writer.Write(headerBytes);
            writer.Write(weights.Length);
            writer.Write(weights.GetBuffer(), 0, (int)weights.Length);
        }
        var hash = SHA256.HashData(body.GetBuffer().AsSpan(0, (int)body.Length));
        body.Write(hash);
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory)) Directory.CreateDirectory(directory);
        var temp = path + ".tmp";
        File.WriteAllBytes(temp, body.ToArray());
        File.Move(temp, path, overwrite: true);
    }

    public static Checkpoint Load(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CheckpointException($"cannot read checkpoint {path}: {e.Message}", e);
        }
        return Parse(bytes, path);
    }

    public static Checkpoint Parse(byte[] bytes, string name)
    {
        if (bytes.Length < Magic.Length + 8 + 32 || !bytes.AsSpan(0, Magic.Length).SequenceEqual(Magic))
            throw new CheckpointException($"{name} is not a STADNet checkpoint");
        var version = BitConverter.ToInt32(bytes, Magic.Length);
        if (version != FormatVersion)
            throw new CheckpointException($"{name} has checkpoint format version {version}; this build reads version {FormatVersion}");
        var body = bytes.AsSpan(0, bytes.Length - 32);
        var hash = SHA256.HashData(body);
        if (!hash.AsSpan().SequenceEqual(bytes.AsSpan(bytes.Length - 32)))
            throw new CheckpointException($"{name} is corrupt: its checksum does not match its contents");
        try
        {
            using var reader = new BinaryReader(new MemoryStream(bytes, Magic.Length + 4, body.Length - Magic.Length - 4));
            var headerBytes = reader.ReadBytes(reader.ReadInt32());
            var header = JsonSerializer.Deserialize<CheckpointHeader>(headerBytes, Json)
                         ?? throw new CheckpointException($"{name} has an empty header");
            header.Settings.Validate();
            var weights = reader.ReadBytes((int)reader.ReadInt64());
            var checkpoint = new Checkpoint(header, weights, Convert.ToHexStringLower(hash)[..12]);
            using var probe = checkpoint.CreateModel(); // refuse weights that do not fit the stated architecture now, not mid-scan
            return checkpoint;
        }
        catch (Exception e) when (e is not CheckpointException)
        {
            throw new CheckpointException($"{name} is not a usable STADNet checkpoint: {e.Message}", e);
        }
    }
}
