namespace Sebs.NoSql.DynamoDb;

/// <summary>A self-hosted DynamoDB-compatible endpoint (ScyllaDB Alternator, dynalite) and the keys it accepts.</summary>
public sealed record DynamoEndpoint(string Address, string AccessKey, string SecretKey, string Region)
{
    /// <summary>host:port without a scheme (what the function shims get as NOSQL_STORAGE_ENDPOINT).</summary>
    public string HostPort => Address.Replace("http://", "", StringComparison.Ordinal).Replace("https://", "", StringComparison.Ordinal).TrimEnd('/');
    public Uri BaseUri => new(Address.StartsWith("https://", StringComparison.Ordinal) ? $"https://{HostPort}/" : $"http://{HostPort}/");

    /// <summary>Without the secret: a record would print every member.</summary>
    public override string ToString() => $"{HostPort} ({Region})";
}
