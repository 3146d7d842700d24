using Sebs.Core;
using Sebs.Core.Platforms;
using Sebs.NoSql.DynamoDb;

namespace Sebs.Platforms.Aws;

/// <summary>
/// What Sebs created on AWS for one resource id, for <c>Remove-SebsResource -Platform Aws</c>: Lambda functions named
/// sebs_&lt;rid&gt;_* (ListFunctions) and those in the cache, their Function URLs, their log groups /aws/lambda/&lt;name&gt;,
/// their API Gateway v2 HTTP APIs, the benchmarks and deployment buckets (emptied first), the DynamoDB tables sebs-benchmarks-&lt;rid&gt;-*, and the
/// execution role only when asked (<see cref="RemoveRoleOption"/>): other resource ids of the account may share it.
/// </summary>
internal sealed class AwsResources(AwsPlatform platform, PlatformContext context, LambdaClient lambda, LogGroupsClient logs,
    S3Storage storage, DynamoDbNoSqlStorage tables, IamClient iam, HttpApiClient httpApis, EcrClient ecr, string deploymentBucket)
{
    public const string RemoveRoleOption = "RemoveRole";

    // Children first: a URL before its function, functions before the logs they write, storage, then the role.
    private const int HttpApiOrder = 5, UrlOrder = 10, FunctionOrder = 20, LogGroupOrder = 30, TableOrder = 40, BucketOrder = 50, RepositoryOrder = 60, RoleOrder = 90;

    private PlatformName Name => platform.Descriptor.Name;
    private string Region => platform.Region;
    private string Prefix => $"sebs_{platform.ResourceId.Replace('-', '_').Replace('.', '_')}_";

    public async IAsyncEnumerable<PlatformResource> ListAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var functions = new SortedDictionary<string, string?>(StringComparer.Ordinal);
        foreach (var f in await lambda.ListFunctionsAsync(Prefix, ct).ConfigureAwait(false))
            functions[f["FunctionName"]!.GetValue<string>()] = f["FunctionArn"]?.GetValue<string>();
        // Functions of this cache with names of the user's choosing (-Name) that still exist.
        foreach (var benchmark in context.Cache.Benchmarks())
            foreach (var json in context.Cache.GetFunctions(benchmark, Name))
            {
                var cached = (AwsFunction)platform.RestoreFunction(json);
                if (!functions.ContainsKey(cached.Name) && await lambda.GetConfigurationAsync(cached.Name, ct).ConfigureAwait(false) is { } c)
                    functions[cached.Name] = c["FunctionArn"]?.GetValue<string>();
            }
        foreach (var httpApi in await Optional("API Gateway HTTP APIs", () => httpApis.ListAsync(Prefix, ct)).ConfigureAwait(false))
            yield return new PlatformResource(Name, "http-api", httpApi.Name, httpApi.ApiId, Region, httpApi.Endpoint) { Order = HttpApiOrder };
        foreach (var name in functions.Keys.Where(n => !n.StartsWith(Prefix, StringComparison.Ordinal)))
            foreach (var httpApi in (await Optional("API Gateway HTTP APIs", () => httpApis.ListAsync(name, ct)).ConfigureAwait(false)).Where(a => a.Name == name))
                yield return new PlatformResource(Name, "http-api", httpApi.Name, httpApi.ApiId, Region, httpApi.Endpoint) { Order = HttpApiOrder };
        foreach (var (name, arn) in functions)
        {
            if (await lambda.GetFunctionUrlAsync(name, ct).ConfigureAwait(false) is { } url)
                yield return new PlatformResource(Name, "function-url", name, name, Region, url) { Order = UrlOrder };
            yield return new PlatformResource(Name, "function", name, name, Region, arn) { Order = FunctionOrder };
        }
        var groups = new SortedSet<string>(await logs.ListAsync(LogGroupsClient.GroupOf(Prefix), ct).ConfigureAwait(false), StringComparer.Ordinal);
        foreach (var name in functions.Keys.Where(n => !n.StartsWith(Prefix, StringComparison.Ordinal)))
            foreach (var g in await logs.ListAsync(LogGroupsClient.GroupOf(name), ct).ConfigureAwait(false))
                if (g == LogGroupsClient.GroupOf(name)) groups.Add(g);
        foreach (var g in groups)
            yield return new PlatformResource(Name, "log-group", g, g, Region) { Order = LogGroupOrder };
        foreach (var t in await tables.ListOwnTablesAsync(ct).ConfigureAwait(false))
            yield return new PlatformResource(Name, "table", t, t, Region) { Order = TableOrder };
        foreach (var bucket in new[] { storage.BenchmarksBucket, deploymentBucket })
            if (await storage.BucketExistsAsync(bucket, ct).ConfigureAwait(false))
                yield return new PlatformResource(Name, "bucket", bucket, bucket, Region) { Order = BucketOrder };
        foreach (var repo in await Optional("ECR repositories", () => ecr.ListAsync(platform.EcrRepositoryName, ct)).ConfigureAwait(false))
            if (repo.Name == platform.EcrRepositoryName)
                yield return new PlatformResource(Name, "ecr-repository", repo.Name, repo.Name, Region, repo.Uri) { Order = RepositoryOrder };
        if (RemoveRole && await iam.RoleArnAsync(platform.RoleName, ct).ConfigureAwait(false) is { } role)
            yield return new PlatformResource(Name, "role", platform.RoleName, platform.RoleName, "global", role) { Order = RoleOrder };
    }

    public async Task DeleteAsync(PlatformResource resource, CancellationToken ct)
    {
        switch (resource.Kind)
        {
            case "http-api": await httpApis.DeleteAsync(resource.Id, ct).ConfigureAwait(false); break;
            case "function-url": await lambda.DeleteFunctionUrlAsync(resource.Id, ct).ConfigureAwait(false); break;
            case "function":
                await lambda.DeleteAsync(resource.Id, ct).ConfigureAwait(false);
                foreach (var benchmark in context.Cache.Benchmarks())
                    foreach (var json in context.Cache.GetFunctions(benchmark, Name))
                        if (platform.RestoreFunction(json) is var f && f.Name == resource.Id)
                            context.Cache.RemoveFunction(benchmark, Name, f.Language, f.Name);
                break;
            case "log-group": await logs.DeleteAsync(resource.Id, ct).ConfigureAwait(false); break;
            case "table": await tables.DeleteTableAsync(resource.Id, ct).ConfigureAwait(false); break;
            case "bucket": await storage.DeleteBucketAsync(resource.Id, ct).ConfigureAwait(false); break;
            case "ecr-repository": await ecr.DeleteRepositoryAsync(resource.Id, ct).ConfigureAwait(false); break;
            case "role":
                await iam.DeleteRoleAsync(resource.Id, ct).ConfigureAwait(false);
                context.Cache.UpdatePlatformResources(Name, r => r.Remove("lambda-role"));
                break;
            default:
                throw new SebsException(SebsErrorIds.PlatformNotSupported, SebsErrorKind.InvalidArgument,
                    $"AWS has no resources of kind {resource.Kind} here.", target: resource.Name);
        }
    }

    /// <summary>
    /// Services only some Sebs features use (HTTP APIs, ECR): credentials without their permissions still list the rest,
    /// with a warning that names what could not be looked at.
    /// </summary>
    private async Task<IReadOnlyList<T>> Optional<T>(string what, Func<Task<IReadOnlyList<T>>> list)
    {
        try { return await list().ConfigureAwait(false); }
        catch (Sebs.Core.Http.CloudRequestException ex) when (ex.Kind == SebsErrorKind.AuthenticationError)
        {
            context.Log.Warning($"Not listing {what}: {ex.Message}");
            return Array.Empty<T>();
        }
    }

    private bool RemoveRole => context.Options.TryGetValue(RemoveRoleOption, out var v) && v is not null
        && (v is bool b ? b : string.Equals(v.ToString(), "true", StringComparison.OrdinalIgnoreCase) || v.ToString() == "1");
}
