using System.Security.Cryptography;

namespace Sebs.Core.Validation;

/// <summary>
/// 120.uploader: the key is non-empty and under the output prefix, the url is the one sent, and the stored object's
/// MD5 equals the MD5 of what the URL serves. SeBS compares with per-size constants for its three public URLs; here
/// the validator fetches the URL itself, so any URL (e.g. a local test server) can be checked.
/// </summary>
public sealed class UploaderValidator : IOutputValidator
{
    public string Benchmark => "120.uploader";

    /// <summary>Fetches the URL; replaceable in tests.</summary>
    internal Func<string, CancellationToken, Task<byte[]>> Fetch { get; init; } = FetchAsync;

    private static readonly HttpClient Http = CreateClient();

    private static HttpClient CreateClient()
    {
        var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = true, MaxAutomaticRedirections = 5 }) { Timeout = TimeSpan.FromMinutes(5) };
        client.DefaultRequestHeaders.UserAgent.ParseAdd("SeBS/1.2 (https://github.com/spcl/serverless-benchmarks) Sebs-PowerShell");
        return client;
    }

    private static Task<byte[]> FetchAsync(string url, CancellationToken ct) => Http.GetByteArrayAsync(url, ct);

    public async Task<string?> ValidateAsync(ValidationContext context, CancellationToken cancellationToken)
    {
        var (bucket, key, problem) = ProducedObject.Locate(context.Output);
        if (problem is not null) return problem;
        var expectedUrl = ProducedObject.Text(context.Payload["object"]?["url"]);
        var url = ProducedObject.Text(context.Output!["result"]!["url"]);
        if (url != expectedUrl) return $"result.url is '{url}', expected '{expectedUrl}'";
        var outputPrefix = ProducedObject.Text(context.Payload["bucket"]?["output"]);
        if (!string.IsNullOrEmpty(outputPrefix) && !key!.StartsWith(outputPrefix + "/", StringComparison.Ordinal))
            return $"result.key '{key}' is not under the output prefix '{outputPrefix}/'";

        var stored = await File.ReadAllBytesAsync(await ProducedObject.DownloadAsync(context, bucket!, key!, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        byte[] served;
        try { served = await Fetch(expectedUrl!, cancellationToken).ConfigureAwait(false); }
        catch (HttpRequestException ex) { return $"could not fetch {expectedUrl} to compare: {ex.Message}"; }
        var a = Convert.ToHexString(MD5.HashData(stored)).ToLowerInvariant();
        var b = Convert.ToHexString(MD5.HashData(served)).ToLowerInvariant();
        return a == b ? null : $"MD5 of the stored object is {a} ({stored.Length} bytes), the URL serves {b} ({served.Length} bytes)";
    }
}
