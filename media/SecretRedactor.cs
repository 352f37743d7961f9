using System.Text.RegularExpressions;

namespace STADNet.Media;

/// <summary>
/// Removes credentials from text bound for reports and logs: storage account keys and SAS tokens (FFmpeg
/// echoes the input URL, SAS included, in its errors), connection-string passwords and URL user-info.
/// What is left (host, container, blob name, the error itself) stays readable.
/// </summary>
/// <remarks>It lives in STADNet.Media, the project every other one (grains, silo, client) already references.</remarks>
public static partial class SecretRedactor
{
    public const string Mask = "[redacted]";

    /// <summary>Query parameters of an Azure SAS token; a URL whose query carries any of them loses its whole query.</summary>
    public static IReadOnlySet<string> SasParameters { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "sig", "sv", "ss", "srt", "sp", "se", "st", "sr", "spr", "sip", "si", "sdd", "ses",
        "skoid", "sktid", "skt", "ske", "sks", "skv", "saoid", "suoid", "scid", "sduoid",
        "rscc", "rscd", "rsce", "rscl", "rsct",
    };

    // Trailing characters that belong to the sentence, not the URL ("<url>: Invalid argument", "'<url>'.").
    private static readonly char[] SentencePunctuation = [':', ';', ',', '.', ')', ']', '}', '!'];

    public static string Redact(string? text)
    {
        if (string.IsNullOrEmpty(text)) return text ?? "";
        var redacted = UrlWithQuery().Replace(text, RedactQuery);
        redacted = UserInfo().Replace(redacted, m => m.Groups[1].Value + Mask + "@");
        redacted = SettingWithSecret().Replace(redacted, m => m.Groups[1].Value + Mask);
        // A SAS left outside a full URL: an HTTP request line, a bare token, a SharedAccessSignature already handled above.
        return SasParameter().Replace(redacted, m => SasParameters.Contains(m.Groups[1].Value) ? m.Groups[1].Value + "=" + Mask : m.Value);
    }

    private static string RedactQuery(Match match)
    {
        var query = match.Groups[2].Value;
        var kept = query.TrimEnd(SentencePunctuation);
        var carriesSas = kept.Split('&').Any(p => SasParameters.Contains(p.Split('=')[0]));
        return carriesSas ? match.Groups[1].Value + "?" + Mask + query[kept.Length..] : match.Value;
    }

    // scheme://host/path?query, the query up to whitespace, a quote or a fragment.
    [GeneratedRegex(@"\b([a-z][a-z0-9+.\-]*://[^\s?#'""<>]+)\?([^\s#'""<>]*)", RegexOptions.IgnoreCase)]
    private static partial Regex UrlWithQuery();

    // scheme://user:password@host (a Redis URL, an HTTP proxy with basic auth).
    [GeneratedRegex(@"\b([a-z][a-z0-9+.\-]*://[^\s/:@'""<>]*:)[^\s/@'""<>]+@", RegexOptions.IgnoreCase)]
    private static partial Regex UserInfo();

    // Storage and Service Bus connection strings (name=value;...) and Redis ones (host:port,password=...,...).
    [GeneratedRegex(@"\b((?:AccountKey|SharedAccessSignature|SharedAccessKey|Password|pwd)\s*=\s*)[^;,\s'""]+", RegexOptions.IgnoreCase)]
    private static partial Regex SettingWithSecret();

    [GeneratedRegex(@"(?<=^|[?&\s;'""])([a-z]+)=[^&\s'""<>#;,:]*", RegexOptions.IgnoreCase)]
    private static partial Regex SasParameter();
}
