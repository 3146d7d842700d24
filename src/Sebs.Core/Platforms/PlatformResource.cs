namespace Sebs.Core.Platforms;

/// <summary>
/// One thing Sebs created on a platform, as <c>Remove-SebsResource</c> lists it: its kind (function, function-url,
/// http-api, log-group, bucket, table, role, resource-group, sandbox, ...), its provider id and where it lives.
/// </summary>
/// <param name="Id">What the provider calls it (ARN, resource id, name); what DeleteResourceAsync needs.</param>
/// <param name="DependsOn">Kinds deleted after this one: a function goes before its role, a resource group last.</param>
public sealed record PlatformResource(PlatformName Platform, string Kind, string Name, string Id, string Region = "", string? Detail = null)
{
    /// <summary>Deletion order: children before what they live in (functions, then storage, then roles and groups).</summary>
    public int Order { get; init; }
    public override string ToString() => $"{Platform} {Kind} {Name}";
}
