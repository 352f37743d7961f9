using System.Security.Cryptography;

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
}
