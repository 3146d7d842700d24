namespace Sebs.Core.Http;

/// <summary>
/// Authenticates one attempt of a control-plane request, just before it is sent: a retried request is signed again
/// (SigV4 signatures carry the time) and a bearer token is asked for again (the credential refreshes it when it expires).
/// </summary>
public interface IRequestAuthenticator
{
    ValueTask AuthenticateAsync(HttpRequestMessage request, CancellationToken cancellationToken);
}

/// <summary>An OAuth bearer token from a credential (Azure.Identity, Google.Apis.Auth), asked for per attempt.</summary>
public sealed class BearerTokenAuthenticator(Func<CancellationToken, ValueTask<string>> token) : IRequestAuthenticator
{
    public async ValueTask AuthenticateAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var value = await token(cancellationToken).ConfigureAwait(false);
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", value);
    }
}
