namespace STADNet.Storage;

/// <summary>
/// Where an archive, a video, a report or a checkpoint lives: a local path, or
/// <c>blob://&lt;container&gt;/&lt;prefix&gt;</c> in the cluster's Azure Blob account.
/// </summary>
public sealed record ArchiveLocation(string? LocalPath, string? Container, string Prefix)
{
    public const string BlobScheme = "blob://";

    public bool IsBlob => Container is not null;

    public static bool IsBlobReference(string location) => location.StartsWith(BlobScheme, StringComparison.OrdinalIgnoreCase);

    public static ArchiveLocation Parse(string location)
    {
        if (!IsBlobReference(location)) return new ArchiveLocation(Path.GetFullPath(location), null, "");
        var rest = location[BlobScheme.Length..];
        var slash = rest.IndexOf('/');
        var container = slash < 0 ? rest : rest[..slash];
        var prefix = slash < 0 ? "" : rest[(slash + 1)..].Trim('/');
        if (!IsValidContainer(container))
            throw new ArgumentException($"'{location}' names no valid blob container: use blob://<container>/<prefix>, the container 3-63 lower-case letters, digits and dashes");
        return new ArchiveLocation(null, container, prefix);
    }

    /// <summary>The location of <paramref name="relative"/> under this one (a folder or a prefix).</summary>
    public string Combine(string relative) => IsBlob
        ? $"{BlobScheme}{Container}/{(Prefix.Length == 0 ? relative : $"{Prefix}/{relative}")}"
        : Path.Combine(LocalPath!, relative);

    /// <summary>The name of a blob under this prefix.</summary>
    public string BlobName(string relative) => Prefix.Length == 0 ? relative : $"{Prefix}/{relative}";

    public override string ToString() => IsBlob ? $"{BlobScheme}{Container}/{Prefix}" : LocalPath!;

    private static bool IsValidContainer(string name) =>
        name.Length is >= 3 and <= 63 && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-')
        && name[0] != '-' && name[^1] != '-' && !name.Contains("--", StringComparison.Ordinal);
}
