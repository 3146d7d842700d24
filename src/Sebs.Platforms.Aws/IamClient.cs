using System.Net;
using System.Xml.Linq;
using Sebs.Core.Diagnostics;
using Sebs.Core.Http;

namespace Sebs.Platforms.Aws;

/// <summary>The execution role Lambda functions run as (SeBS: sebs-lambda-role with S3, DynamoDB and logs access), and the account id.</summary>
public sealed class IamClient(AwsApiClient api, ISebsLog log)
{
    private const string IamVersion = "2010-05-08";

    /// <summary>SeBS's managed policies, by name; their ARNs carry the region's partition (aws, aws-cn, aws-us-gov).</summary>
    public static readonly string[] RolePolicyNames = { "AmazonS3FullAccess", "AmazonDynamoDBFullAccess", "service-role/AWSLambdaBasicExecutionRole" };

    public static IEnumerable<string> RolePolicies(string partition) => RolePolicyNames.Select(n => $"arn:{partition}:iam::aws:policy/{n}");

    private const string AssumeRolePolicy =
        """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}""";

    /// <summary>The role's ARN; the role is created with SeBS's policies when it does not exist.</summary>
    public async Task<string> EnsureRoleAsync(string roleName, CancellationToken ct, bool raced = false)
    {
        var get = await api.QueryAsync("iam", "GetRole", IamVersion, new Dictionary<string, string> { ["RoleName"] = roleName }, ct, throwOnError: false).ConfigureAwait(false);
        if (Find(get, "Arn") is { } existing) return existing;
        if (Find(get, "Code") is { } code && code != "NoSuchEntity")
            throw new CloudRequestException("AWS iam", "GetRole", code is "AccessDenied" or "AccessDeniedException" ? HttpStatusCode.Forbidden : HttpStatusCode.BadRequest,
                code, Find(get, "Message") ?? "");
        log.Verbose($"IAM: creating role {roleName} for Lambda.");
        var created = await api.QueryAsync("iam", "CreateRole", IamVersion, new Dictionary<string, string>
        {
            ["RoleName"] = roleName, ["AssumeRolePolicyDocument"] = AssumeRolePolicy, ["Description"] = "Execution role of SeBS benchmark functions",
        }, ct, throwOnError: false).ConfigureAwait(false);
        if (Find(created, "Code") is { } createCode)
        {
            // Another session created it in between: use theirs.
            if (createCode == "EntityAlreadyExists" && !raced) return await EnsureRoleAsync(roleName, ct, raced: true).ConfigureAwait(false);
            throw new CloudRequestException("AWS iam", "CreateRole", HttpStatusCode.BadRequest, createCode, Find(created, "Message") ?? "");
        }
        foreach (var policy in RolePolicies(api.Settings.Partition.Name))
            await api.QueryAsync("iam", "AttachRolePolicy", IamVersion, new Dictionary<string, string> { ["RoleName"] = roleName, ["PolicyArn"] = policy }, ct).ConfigureAwait(false);
        return Find(created, "Arn") ?? throw new CloudRequestException("AWS iam", "CreateRole", HttpStatusCode.OK, "NoArn", "CreateRole answered without an Arn.");
    }

    /// <summary>Detaches SeBS's policies and deletes the role (Remove-SebsResource with RemoveRole); a missing role is done.</summary>
    public async Task DeleteRoleAsync(string roleName, CancellationToken ct)
    {
        foreach (var policy in RolePolicies(api.Settings.Partition.Name))
        {
            var detached = await api.QueryAsync("iam", "DetachRolePolicy", IamVersion, new Dictionary<string, string> { ["RoleName"] = roleName, ["PolicyArn"] = policy }, ct, throwOnError: false).ConfigureAwait(false);
            if (Find(detached, "Code") is { } code && code != "NoSuchEntity")
                throw new CloudRequestException("AWS iam", "DetachRolePolicy", HttpStatusCode.BadRequest, code, Find(detached, "Message") ?? "");
        }
        var deleted = await api.QueryAsync("iam", "DeleteRole", IamVersion, new Dictionary<string, string> { ["RoleName"] = roleName }, ct, throwOnError: false).ConfigureAwait(false);
        if (Find(deleted, "Code") is { } deleteCode && deleteCode != "NoSuchEntity")
            throw new CloudRequestException("AWS iam", "DeleteRole", HttpStatusCode.BadRequest, deleteCode, Find(deleted, "Message") ?? "");
    }

    /// <summary>Whether the role exists.</summary>
    public async Task<string?> RoleArnAsync(string roleName, CancellationToken ct)
    {
        var get = await api.QueryAsync("iam", "GetRole", IamVersion, new Dictionary<string, string> { ["RoleName"] = roleName }, ct, throwOnError: false).ConfigureAwait(false);
        return Find(get, "Arn");
    }

    private static string? Find(XElement root, string name) =>
        root.Descendants().FirstOrDefault(e => e.Name.LocalName == name)?.Value;
}
