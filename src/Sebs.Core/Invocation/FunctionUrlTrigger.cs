using System.Text.Json.Nodes;
using Sebs.Core.Platforms;
using Sebs.Core.Results;

namespace Sebs.Core.Invocation;

/// <summary>
/// The HTTP trigger of a cloud function: a POST to its URL, waiting as long as the function may run plus 30 s for the
/// platform's front end, with the configured memory as the billed memory (provider times come later, from its logs).
/// Platforms add what only they know in <c>finish</c> (a trace id to normalise, a hint for a 403).
/// </summary>
public sealed class FunctionUrlTrigger : IFunctionTrigger, IDisposable
{
    private readonly HttpTrigger _http;
    private readonly int _billedMemoryMB;
    private readonly Action<ExecutionResult>? _finish;

    /// <param name="billedMemoryMB">The memory the provider bills, when it is not the function's configured memory.</param>
    /// <param name="authenticator">Signs each invocation before the clock starts (AWS_IAM Function URLs).</param>
    public FunctionUrlTrigger(string url, SebsFunction function, int? billedMemoryMB = null, Action<ExecutionResult>? finish = null,
        Http.IRequestAuthenticator? authenticator = null)
    {
        _http = new HttpTrigger(url, TimeSpan.FromSeconds(function.TimeoutSeconds + 30), () => new ExecutionResult(), authenticator);
        _billedMemoryMB = billedMemoryMB ?? function.MemoryMB;
        _finish = finish;
    }

    public TriggerType Type => TriggerType.Http;

    public async Task<ExecutionResult> InvokeAsync(JsonObject payload, CancellationToken ct)
    {
        var result = await _http.InvokeAsync(payload, ct).ConfigureAwait(false);
        result.Billing.MemoryMB = _billedMemoryMB;
        _finish?.Invoke(result);
        return result;
    }

    public void Dispose() => _http.Dispose();
}
