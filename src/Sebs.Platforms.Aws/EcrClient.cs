using System.Text.Json.Nodes;
using Sebs.Core.Http;

namespace Sebs.Platforms.Aws;

/// <summary>An ECR repository: its name and the URI images are pushed to (&lt;account&gt;.dkr.ecr.&lt;region&gt;.amazonaws.com/&lt;name&gt;).</summary>
public sealed record EcrRepository(string Name, string Uri);

/// <summary>Registry credentials from GetAuthorizationToken: user AWS and a 12-hour password for the proxy endpoint.</summary>
public sealed record EcrLogin(string Endpoint, string AuthorizationToken)
{
    public override string ToString() => Endpoint;   // the token is a secret
}

/// <summary>Amazon ECR's API (JSON 1.1, X-Amz-Target AmazonEC2ContainerRegistry_V20150921.*, SigV4 service "ecr").</summary>
public sealed class EcrClient(AwsApiClient api)
{
    private const string Prefix = "AmazonEC2ContainerRegistry_V20150921.";

    private static EcrRepository Read(JsonNode? r) => new(r!["repositoryName"]!.GetValue<string>(), r["repositoryUri"]!.GetValue<string>());

    /// <summary>The repository, created when missing (another session may create it in between).</summary>
    public async Task<EcrRepository> EnsureRepositoryAsync(string name, CancellationToken ct)
    {
        try
        {
            var found = await api.JsonTargetAsync("ecr", Prefix + "DescribeRepositories", new JsonObject { ["repositoryNames"] = new JsonArray(name) }, ct).ConfigureAwait(false);
            return Read((found["repositories"] as JsonArray)![0]);
        }
        catch (CloudRequestException ex) when (ex.Code == "RepositoryNotFoundException") { }
        try
        {
            var created = await api.JsonTargetAsync("ecr", Prefix + "CreateRepository", new JsonObject { ["repositoryName"] = name }, ct).ConfigureAwait(false);
            return Read(created["repository"]);
        }
        catch (CloudRequestException ex) when (ex.Code == "RepositoryAlreadyExistsException")
        {
            return await EnsureRepositoryAsync(name, ct).ConfigureAwait(false);
        }
    }

    public async Task<IReadOnlyList<EcrRepository>> ListAsync(string prefix, CancellationToken ct)
    {
        var found = new List<EcrRepository>();
        string? token = null;
        do
        {
            var request = new JsonObject { ["maxResults"] = 100 };
            if (token is not null) request["nextToken"] = token;
            var page = await api.JsonTargetAsync("ecr", Prefix + "DescribeRepositories", request, ct).ConfigureAwait(false);
            foreach (var r in page["repositories"] as JsonArray ?? new JsonArray())
                if (Read(r) is var repo && repo.Name.StartsWith(prefix, StringComparison.Ordinal)) found.Add(repo);
            token = page["nextToken"]?.GetValue<string>();
        }
        while (!string.IsNullOrEmpty(token));
        return found;
    }

    /// <summary>Deletes the repository with its images (force); a missing one is done.</summary>
    public async Task DeleteRepositoryAsync(string name, CancellationToken ct)
    {
        try { await api.JsonTargetAsync("ecr", Prefix + "DeleteRepository", new JsonObject { ["repositoryName"] = name, ["force"] = true }, ct).ConfigureAwait(false); }
        catch (CloudRequestException ex) when (ex.Code == "RepositoryNotFoundException") { }
    }

    public async Task<EcrLogin> LoginAsync(CancellationToken ct)
    {
        var r = await api.JsonTargetAsync("ecr", Prefix + "GetAuthorizationToken", new JsonObject(), ct).ConfigureAwait(false);
        var data = (r["authorizationData"] as JsonArray)![0]!;
        return new EcrLogin(data["proxyEndpoint"]!.GetValue<string>(), data["authorizationToken"]!.GetValue<string>());
    }
}
