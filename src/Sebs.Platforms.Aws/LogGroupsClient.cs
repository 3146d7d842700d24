using System.Text.Json.Nodes;
using Sebs.Core.Http;

namespace Sebs.Platforms.Aws;

/// <summary>CloudWatch Logs groups of Lambda functions (/aws/lambda/&lt;name&gt;): listed and deleted by the clean-up.</summary>
public sealed class LogGroupsClient(AwsApiClient api)
{
    public static string GroupOf(string functionName) => "/aws/lambda/" + functionName;

    /// <summary>DescribeLogGroups with a name prefix, paged by nextToken.</summary>
    public async Task<IReadOnlyList<string>> ListAsync(string prefix, CancellationToken ct)
    {
        var names = new List<string>();
        string? token = null;
        do
        {
            var request = new JsonObject { ["logGroupNamePrefix"] = prefix };
            if (token is not null) request["nextToken"] = token;
            var page = await api.JsonTargetAsync("logs", "Logs_20140328.DescribeLogGroups", request, ct).ConfigureAwait(false);
            foreach (var g in page["logGroups"] as JsonArray ?? new JsonArray())
                if (g?["logGroupName"]?.GetValue<string>() is { } n) names.Add(n);
            token = page["nextToken"]?.GetValue<string>();
        }
        while (!string.IsNullOrEmpty(token));
        return names;
    }

    /// <summary>Deletes a group; one that is already gone is done.</summary>
    public async Task DeleteAsync(string name, CancellationToken ct)
    {
        try { await api.JsonTargetAsync("logs", "Logs_20140328.DeleteLogGroup", new JsonObject { ["logGroupName"] = name }, ct).ConfigureAwait(false); }
        catch (CloudRequestException ex) when (ex.Code == "ResourceNotFoundException") { }
    }
}
