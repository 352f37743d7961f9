using STADNet.Media;

namespace STADNet.Tests.Security;

public sealed class SecretRedactorTests
{
    /// <summary>Azurite's published development key: the most likely real secret in a test or dev log.</summary>
    private const string AzuriteKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private const string Sig = "Zm9vYmFyYmF6cXV4K3NlY3JldA%3D%3D";

    [Fact]
    public void A_storage_connection_string_keeps_its_endpoints_and_loses_its_key()
    {
        var text = "cannot reach storage with 'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;" +
                   $"AccountKey={AzuriteKey};BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;'";

        var redacted = SecretRedactor.Redact(text);

        Assert.DoesNotContain(AzuriteKey, redacted);
        Assert.DoesNotContain("Eby8vdM02", redacted);
        Assert.Equal("cannot reach storage with 'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;" +
                     "AccountKey=[redacted];BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;'", redacted);
    }

    [Fact]
    public void A_sas_connection_string_loses_the_whole_signature()
    {
        var text = $"BlobEndpoint=https://acct.blob.core.windows.net/;SharedAccessSignature=sv=2023-11-03&ss=b&srt=co&sp=rl&se=2030-01-01T00:00:00Z&sig={Sig}";

        var redacted = SecretRedactor.Redact(text);

        Assert.DoesNotContain(Sig, redacted);
        Assert.DoesNotContain("sig=Zm9v", redacted);
        Assert.Equal("BlobEndpoint=https://acct.blob.core.windows.net/;SharedAccessSignature=[redacted]", redacted);
    }

    [Theory]
    [InlineData("https://acct.blob.core.windows.net/cctv/north/cam-a.mp4?sv=2023-11-03&st=2025-01-01T00%3A00%3A00Z&se=2030-01-01T00%3A00%3A00Z&sr=b&sp=r&spr=https&sig=" + Sig + ": Server returned 403 Forbidden (access denied)",
        "https://acct.blob.core.windows.net/cctv/north/cam-a.mp4?[redacted]: Server returned 403 Forbidden (access denied)")]
    [InlineData("Error when loading first segment 'http://127.0.0.1:10000/devstoreaccount1/cctv/cam-a.mp4?sv=2023-11-03&sr=b&sp=r&sig=" + Sig + "'",
        "Error when loading first segment 'http://127.0.0.1:10000/devstoreaccount1/cctv/cam-a.mp4?[redacted]'")]
    [InlineData("https://acct.blob.core.windows.net/cctv/cam-a.mp4?skoid=0f0f&sktid=72f9&skt=2025-01-01T00%3A00%3A00Z&ske=2025-01-02T00%3A00%3A00Z&sks=b&skv=2023-11-03&sv=2023-11-03&se=2025-01-02&sr=b&sp=r&sig=" + Sig + ".",
        "https://acct.blob.core.windows.net/cctv/cam-a.mp4?[redacted].")]
    public void A_blob_url_keeps_host_container_and_blob_and_loses_its_sas(string text, string expected)
    {
        var redacted = SecretRedactor.Redact(text);

        Assert.DoesNotContain(Sig, redacted);
        Assert.DoesNotContain("sig=", redacted);
        Assert.Equal(expected, redacted);
    }

    [Fact]
    public void A_sas_outside_a_full_url_loses_its_values()
    {
        // FFmpeg's verbose HTTP log prints the request line: a path and query without scheme or host.
        var redacted = SecretRedactor.Redact($"GET /devstoreaccount1/cctv/cam-a.mp4?sv=2023-11-03&sr=b&sp=r&sig={Sig} HTTP/1.1");

        Assert.DoesNotContain(Sig, redacted);
        Assert.Equal("GET /devstoreaccount1/cctv/cam-a.mp4?sv=[redacted]&sr=[redacted]&sp=[redacted]&sig=[redacted] HTTP/1.1", redacted);
    }

    [Fact]
    public void An_ordinary_url_query_is_left_alone()
    {
        const string text = "see https://example.org/docs?page=2&lang=en for details";
        Assert.Equal(text, SecretRedactor.Redact(text));
    }

    [Theory]
    [InlineData("redis.internal:6379,password=hunter2-Very/Secret=,ssl=True,abortConnect=False",
        "redis.internal:6379,password=[redacted],ssl=True,abortConnect=False")]
    [InlineData("cache.redis.cache.windows.net:6380,Password=hunter2-Very/Secret=,ssl=True",
        "cache.redis.cache.windows.net:6380,Password=[redacted],ssl=True")]
    [InlineData("Server=db;User Id=stadnet;Password=hunter2-Very/Secret=;", "Server=db;User Id=stadnet;Password=[redacted];")]
    [InlineData("redis://default:hunter2-Very%2FSecret@redis.internal:6379/0", "redis://default:[redacted]@redis.internal:6379/0")]
    public void Passwords_in_connection_strings_and_urls_are_removed(string text, string expected)
    {
        var redacted = SecretRedactor.Redact(text);

        Assert.DoesNotContain("hunter2", redacted);
        Assert.Equal(expected, redacted);
    }

    [Theory]
    [InlineData("/archive/north/cam-a.mp4: Invalid data found when processing input")]
    [InlineData("http://127.0.0.1:10000/devstoreaccount1/cctv/cam-a.mp4: Connection refused")]
    [InlineData("truncated or damaged: the container lists 300 frames but only 120 are present")]
    [InlineData("")]
    public void Text_without_secrets_is_unchanged(string text) => Assert.Equal(text, SecretRedactor.Redact(text));

    [Fact]
    public void A_video_input_reason_is_redacted_when_it_is_made()
    {
        var error = new VideoInputException($"cannot read https://acct.blob.core.windows.net/cctv/a.mp4?sv=2023-11-03&sig={Sig}");
        Assert.Equal("cannot read https://acct.blob.core.windows.net/cctv/a.mp4?[redacted]", error.Message);
    }
}
