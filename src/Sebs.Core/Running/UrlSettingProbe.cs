using Sebs.Core.Benchmarks;
using Sebs.Core.Inputs;

namespace Sebs.Core.Running;

/// <summary>
/// Checks, before a regression case is deployed, that every URL its input takes from a setting answers from this
/// machine (120.uploader downloads <c>uploader.url.&lt;size&gt;</c>, by default a public URL). One that does not makes the
/// case Skipped with the setting to give, instead of an invocation that fails on a DNS error.
/// </summary>
public sealed class UrlSettingProbe
{
    private readonly HttpClient _http;

    public UrlSettingProbe(HttpClient? http = null) => _http = http ?? new HttpClient { Timeout = TimeSpan.FromSeconds(10) };

    /// <exception cref="UnavailableHereException">A URL setting cannot be fetched here.</exception>
    public async Task CheckAsync(Benchmark benchmark, string size, IReadOnlyDictionary<string, string> settings, CancellationToken ct)
    {
        foreach (var (name, value, isDefault) in InputGenerator.UsedSettings(benchmark, size, settings))
        {
            if (value is null || !Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")) continue;
            var problem = await ProbeAsync(uri, ct).ConfigureAwait(false);
            if (problem is null) continue;
            throw new UnavailableHereException(SebsErrorIds.InputGenerationFailed, SebsErrorKind.ConnectionError, UnavailableReason.Setting,
                $"{(isDefault ? "the default URL" : "the URL")} of the setting '{name}' ({value}) cannot be fetched from here ({problem}); " +
                $"give one that can with -Setting @{{'{name}' = 'http://...'}}", target: benchmark.Name);
        }
    }

    /// <summary>Null when a GET of <paramref name="uri"/> gets a success status (only the headers are read), else what went wrong.</summary>
    private async Task<string?> ProbeAsync(Uri uri, CancellationToken ct)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, uri);
            // The benchmarks send SeBS's User-Agent; some hosts (Wikimedia) refuse anonymous clients.
            request.Headers.TryAddWithoutValidation("User-Agent", "SeBS/1.2 (https://github.com/spcl/serverless-benchmarks)");
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
            return response.IsSuccessStatusCode ? null : $"HTTP {(int)response.StatusCode}";
        }
        catch (HttpRequestException ex) { return OneLine(ex.Message); }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested) { return $"no answer within {_http.Timeout.TotalSeconds:0} s"; }
    }

    private static string OneLine(string s) => s.Split('\n')[0].Trim();
}
