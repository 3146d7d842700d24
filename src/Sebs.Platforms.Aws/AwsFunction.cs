using System.Text.Json.Nodes;
using Sebs.Core.Platforms;

namespace Sebs.Platforms.Aws;

/// <summary>A Lambda function (SeBS's LambdaFunction): its ARN, runtime, execution role and Function URL.</summary>
public sealed class AwsFunction : SebsFunction
{
    public string? Arn { get; set; }
    /// <summary>Lambda's runtime id (python3.12, nodejs22.x).</summary>
    public string? Runtime { get; set; }
    public string? Role { get; set; }
    public string? FunctionUrl { get; set; }
    /// <summary>The Function URL's AuthType: NONE (public) or AWS_IAM (invocations signed with SigV4).</summary>
    public string? FunctionUrlAuth { get; set; }
    /// <summary>The API Gateway v2 HTTP API in front of the function, when the HTTP trigger is HttpApi.</summary>
    public string? HttpApiId { get; set; }

    protected override void WriteState(JsonObject state)
    {
        state["arn"] = Arn;
        state["runtime"] = Runtime;
        state["role"] = Role;
        if (FunctionUrl is not null) state["function_url"] = FunctionUrl;
        if (FunctionUrlAuth is not null) state["function_url_auth"] = FunctionUrlAuth;
        if (HttpApiId is not null) state["http_api_id"] = HttpApiId;
    }

    protected override void ReadState(JsonObject cached)
    {
        Arn = cached["arn"]?.GetValue<string>();
        Runtime = cached["runtime"]?.GetValue<string>();
        Role = cached["role"]?.GetValue<string>();
        FunctionUrl = cached["function_url"]?.GetValue<string>();
        FunctionUrlAuth = cached["function_url_auth"]?.GetValue<string>();
        HttpApiId = cached["http_api_id"]?.GetValue<string>();
    }
}
