using System.Net;
using System.Text.Json.Nodes;
using Sebs.Core.Diagnostics;

namespace Sebs.Platforms.Aws;

/// <summary>An HTTP API of API Gateway v2 in front of one function.</summary>
public sealed record HttpApi(string ApiId, string Name, string Endpoint);

/// <summary>
/// API Gateway v2 HTTP APIs as an HTTP trigger instead of a Function URL (SeBS's AWS HTTP trigger used API Gateway):
/// a quick-create API (POST /v2/apis with Target = the function: $default route, Lambda proxy integration with payload
/// format 2.0, auto-deployed $default stage) plus the resource-based permission that lets apigateway.amazonaws.com invoke
/// the function from that API (SourceArn arn:&lt;partition&gt;:execute-api:&lt;region&gt;:&lt;account&gt;:&lt;api&gt;/*). REST-JSON with
/// lowerCamel members, SigV4 service "apigateway".
/// </summary>
public sealed class HttpApiClient(AwsApiClient api, ISebsLog log)
{
    private const string Service = "apigateway";

    private static HttpApi Read(JsonObject o) =>
        new(o["apiId"]!.GetValue<string>(), o["name"]?.GetValue<string>() ?? "", o["apiEndpoint"]?.GetValue<string>() ?? "");

    /// <summary>The APIs whose names start with a prefix (GetApis, paged by nextToken).</summary>
    public async Task<IReadOnlyList<HttpApi>> ListAsync(string prefix, CancellationToken ct)
    {
        var found = new List<HttpApi>();
        string? token = null;
        do
        {
            var path = "/v2/apis?maxResults=100" + (token is null ? "" : "&nextToken=" + Uri.EscapeDataString(token));
            var page = (await api.RestAsync(Service, "GetApis", HttpMethod.Get, path, null, ct).ConfigureAwait(false)).Json();
            foreach (var item in page["items"] as JsonArray ?? new JsonArray())
                if (item is JsonObject o && Read(o) is var a && a.Name.StartsWith(prefix, StringComparison.Ordinal)) found.Add(a);
            token = page["nextToken"]?.GetValue<string>();
        }
        while (!string.IsNullOrEmpty(token));
        return found;
    }

    /// <summary>The function's HTTP API (named after it), created with its invoke permission when missing.</summary>
    public async Task<HttpApi> EnsureAsync(string functionName, string functionArn, string partition, CancellationToken ct)
    {
        var api0 = (await ListAsync(functionName, ct).ConfigureAwait(false)).FirstOrDefault(a => a.Name == functionName);
        if (api0 is null)
        {
            log.Verbose($"API Gateway: creating the HTTP API {functionName}.");
            var created = await api.RestAsync(Service, "CreateApi", HttpMethod.Post, "/v2/apis", new JsonObject
            {
                ["name"] = functionName, ["protocolType"] = "HTTP", ["target"] = functionArn,
            }, ct).ConfigureAwait(false);
            api0 = Read(created.Json());
        }
        var arn = functionArn.Split(':');
        var sourceArn = $"arn:{partition}:execute-api:{arn[3]}:{arn[4]}:{api0.ApiId}/*";
        var permission = await api.RestAsync("lambda", "AddPermission", HttpMethod.Post,
            "/2015-03-31/functions/" + Uri.EscapeDataString(functionName) + "/policy", new JsonObject
            {
                ["StatementId"] = "sebs-http-api-" + api0.ApiId, ["Action"] = "lambda:InvokeFunction",
                ["Principal"] = "apigateway.amazonaws.com", ["SourceArn"] = sourceArn,
            }, ct, throwOnError: false).ConfigureAwait(false);
        if (!permission.Ok && !(permission.Status == HttpStatusCode.Conflict && AwsErrors.ErrorOf(permission).Message.Contains("already exists", StringComparison.OrdinalIgnoreCase)))
            throw AwsErrors.Exception("lambda", "AddPermission", permission);
        return api0;
    }

    /// <summary>Deletes an API; one already gone is done.</summary>
    public async Task DeleteAsync(string apiId, CancellationToken ct)
    {
        var r = await api.RestAsync(Service, "DeleteApi", HttpMethod.Delete, "/v2/apis/" + Uri.EscapeDataString(apiId), null, ct, throwOnError: false).ConfigureAwait(false);
        if (!r.Ok && r.Status != HttpStatusCode.NotFound) throw AwsErrors.Exception(Service, "DeleteApi", r);
    }
}
