using System.Net;
using System.Xml.Linq;
using Sebs.Core.Diagnostics;

namespace Sebs.Platforms.Aws;

/// <summary>The execution role Lambda functions run as (SeBS: sebs-lambda-role with S3, DynamoDB and logs access), and the account id.</summary>
public sealed class IamClient(AwsApiClient api, ISebsLog log)
{
    private const string IamVersion = "2010-05-08";

    public static readonly string[] RolePolicies =
    {
        "arn:aws:iam::aws:policy/AmazonS3FullAccess",
        "arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess",
        "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
    };

    private const string AssumeRolePolicy =
        """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}""";

    /// <summary>The role's ARN; the role is created with SeBS's policies when it does not exist.</summary>
    public async Task<string> EnsureRoleAsync(string roleName, CancellationToken ct, bool raced = false)
    {
        var get = await api.QueryAsync("iam", "GetRole", IamVersion, new Dictionary<string, string> { ["RoleName"] = roleName }, ct, throwOnError: false).ConfigureAwait(false);
        if (Find(get, "Arn") is { } existing) return existing;
        if (Find(get, "Code") is { } code && code != "NoSuchEntity")
            throw new AwsRequestException("iam", "GetRole", code is "AccessDenied" or "AccessDeniedException" ? HttpStatusCode.Forbidden : HttpStatusCode.BadRequest,
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
            throw new AwsRequestException("iam", "CreateRole", HttpStatusCode.BadRequest, createCode, Find(created, "Message") ?? "");
        }
        foreach (var policy in RolePolicies)
            await api.QueryAsync("iam", "AttachRolePolicy", IamVersion, new Dictionary<string, string> { ["RoleName"] = roleName, ["PolicyArn"] = policy }, ct).ConfigureAwait(false);
        return Find(created, "Arn") ?? throw new AwsRequestException("iam", "CreateRole", HttpStatusCode.OK, "NoArn", "CreateRole answered without an Arn.");
    }

    public async Task<string> AccountIdAsync(CancellationToken ct)
    {
        var who = await api.QueryAsync("sts", "GetCallerIdentity", "2011-06-15", new Dictionary<string, string>(), ct).ConfigureAwait(false);
        return Find(who, "Account") ?? "";
    }

    private static string? Find(XElement root, string name) =>
        root.Descendants().FirstOrDefault(e => e.Name.LocalName == name)?.Value;
}
