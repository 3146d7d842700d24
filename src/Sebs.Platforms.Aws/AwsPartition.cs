namespace Sebs.Platforms.Aws;

/// <summary>
/// An AWS partition (botocore's endpoints.json "partitions"): aws, aws-cn (China: cn-north-1, cn-northwest-1) and
/// aws-us-gov (GovCloud). Endpoints end in the partition's DNS suffix, ARNs start with arn:&lt;partition&gt;:, and IAM is one
/// global endpoint per partition signed for the partition's home region.
/// </summary>
public sealed record AwsPartition(string Name, string DnsSuffix, string IamHost, string IamSigningRegion)
{
    public static readonly AwsPartition Aws = new("aws", "amazonaws.com", "iam.amazonaws.com", "us-east-1");
    public static readonly AwsPartition China = new("aws-cn", "amazonaws.com.cn", "iam.cn-north-1.amazonaws.com.cn", "cn-north-1");
    public static readonly AwsPartition GovCloud = new("aws-us-gov", "amazonaws.com", "iam.us-gov.amazonaws.com", "us-gov-west-1");

    /// <summary>The partition of a region name (botocore's regionRegex: ^cn-\w+-\d+$, ^us\-gov\-\w+\-\d+$, else aws).</summary>
    public static AwsPartition Of(string region) =>
        region.StartsWith("cn-", StringComparison.Ordinal) ? China
        : region.StartsWith("us-gov-", StringComparison.Ordinal) ? GovCloud
        : Aws;

    /// <summary>An ARN in this partition: arn:aws-cn:lambda:cn-north-1:123456789012:function:f.</summary>
    public string Arn(string service, string region, string account, string resource) => $"arn:{Name}:{service}:{region}:{account}:{resource}";
}
