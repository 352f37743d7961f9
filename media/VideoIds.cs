using System.Security.Cryptography;
using System.Text;

namespace STADNet.Media;

/// <summary>Stable, readable ids: the file stem for people, a hash of the full source for uniqueness.</summary>
public static class VideoIds
{
    public static string For(string source)
    {
        var stem = new string(Path.GetFileNameWithoutExtension(source)
            .Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_').ToArray());
        if (stem.Length > 48) stem = stem[..48];
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(source)))[..10];
        return $"{stem}-{hash}";
    }
}
