using Amazon;
using Amazon.Runtime;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using Sebs.Core;

namespace Sebs.Platforms.Aws;

/// <summary>
/// Who the credentials are (STS GetCallerIdentity through AWSSDK.SecurityToken): the account id decides whether a
/// cached role and resources belong to this account (SeBS keeps one cache per account too).
/// </summary>
public sealed class StsIdentity : IDisposable
{
    private readonly AmazonSecurityTokenServiceClient _client;

    public StsIdentity(AwsSettings settings, AWSCredentials credentials)
    {
        var config = new AmazonSecurityTokenServiceConfig();
        if (settings.Endpoints.TryGetValue("sts", out var endpoint))
        {
            config.ServiceURL = endpoint.ToString();
            config.AuthenticationRegion = settings.Region;
        }
        else config.RegionEndpoint = RegionEndpoint.GetBySystemName(settings.Region);
        _client = new AmazonSecurityTokenServiceClient(credentials, config);
    }

    public async Task<string> AccountIdAsync(CancellationToken ct)
    {
        try
        {
            var who = await _client.GetCallerIdentityAsync(new GetCallerIdentityRequest(), ct).ConfigureAwait(false);
            return who.Account ?? "";
        }
        catch (AmazonServiceException ex)
        {
            throw new Sebs.Core.Http.CloudRequestException("AWS sts", "GetCallerIdentity", ex.StatusCode, ex.ErrorCode ?? ex.StatusCode.ToString(), ex.Message);
        }
        catch (HttpRequestException ex)
        {
            throw new SebsException(SebsErrorIds.CloudRequestFailed, SebsErrorKind.ConnectionError, $"AWS sts GetCallerIdentity: cannot reach the service: {ex.Message}", ex, target: "GetCallerIdentity");
        }
    }

    public void Dispose() => _client.Dispose();
}
