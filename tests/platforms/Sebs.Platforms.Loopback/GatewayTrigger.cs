using System.Diagnostics;
using System.Text.Json.Nodes;
using Sebs.Core.Invocation;
using Sebs.Core.Platforms;
using Sebs.Core.Results;

namespace Sebs.Platforms.Loopback;

/// <summary>
/// The platform's front door: forwards a call to the function's process and, as a cloud gateway does, writes its own
/// record of the call (request id, time it took on the platform side) to a log that metrics read later.
/// </summary>
/// <param name="http">The function's current endpoint (a cold start moves it to a new process and port).</param>
internal sealed class GatewayTrigger(Func<HttpTrigger> http, SebsFunction function, string logPath) : IFunctionTrigger
{
    private static readonly object LogGate = new();

    public TriggerType Type => TriggerType.Http;

    public async Task<ExecutionResult> InvokeAsync(JsonObject payload, CancellationToken ct)
    {
        var sw = Stopwatch.StartNew();
        var result = await http().InvokeAsync(payload, ct).ConfigureAwait(false);
        sw.Stop();
        result.Billing.MemoryMB = function.MemoryMB;
        if (!string.IsNullOrEmpty(result.RequestId))
        {
            var line = new JsonObject
            {
                ["function"] = function.Name,
                ["request_id"] = result.RequestId,
                ["time"] = DateTime.UtcNow.ToString("o"),
                ["duration_us"] = sw.Elapsed.Ticks / 10,
            }.ToJsonString();
            lock (LogGate) File.AppendAllText(logPath, line + "\n");
        }
        return result;
    }
}
