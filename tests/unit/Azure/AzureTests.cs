using System.Net;
using System.Text.Json.Nodes;
using Azure.Core;
using Sebs.Core;
using Sebs.Core.Configuration;
using Sebs.Core.Http;
using Sebs.Platforms.Azure;
using Xunit;

namespace Sebs.Tests.Azure;

/// <summary>A handler that answers from a script of (method, path prefix) → response and records what it got.</summary>
internal sealed class ScriptedHandler(Func<HttpRequestMessage, HttpResponseMessage> answer) : HttpMessageHandler
{
    public List<(string Method, string Url, string? Auth)> Requests { get; } = new();

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        lock (Requests) Requests.Add((request.Method.Method, request.RequestUri!.ToString(), request.Headers.Authorization?.ToString()));
        return Task.FromResult(answer(request));
    }
}

internal sealed class StaticTokenCredential(string token) : TokenCredential
{
    public List<string> Scopes { get; } = new();
    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        Scopes.AddRange(requestContext.Scopes);
        return new AccessToken(token, DateTimeOffset.UtcNow.AddHours(1));
    }
    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        ValueTask.FromResult(GetToken(requestContext, cancellationToken));
}

public class ArmClientTests
{
    private static AzureSettings Settings() => new()
    {
        SubscriptionId = "00000000-0000-0000-0000-00000000beef", ArmEndpoint = new Uri("http://arm.test/"),
        PollInterval = TimeSpan.FromMilliseconds(10), StateTimeout = TimeSpan.FromSeconds(10),
    };

    private static HttpResponseMessage Json(HttpStatusCode status, string body, params (string, string)[] headers)
    {
        var r = new HttpResponseMessage(status) { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
        foreach (var (k, v) in headers) r.Headers.TryAddWithoutValidation(k, v);
        return r;
    }

    [Fact]
    public async Task Polls_Azure_AsyncOperation_until_Succeeded_then_reads_the_resource_with_a_bearer_token()
    {
        var polls = 0;
        var handler = new ScriptedHandler(r => r.RequestUri!.AbsolutePath switch
        {
            "/op/1" => Json(HttpStatusCode.OK, ++polls < 3 ? """{"status":"InProgress"}""" : """{"status":"Succeeded"}"""),
            _ when r.Method == HttpMethod.Put => Json(HttpStatusCode.Created, """{"properties":{"provisioningState":"Creating"}}""", ("Azure-AsyncOperation", "http://arm.test/op/1")),
            _ => Json(HttpStatusCode.OK, """{"name":"site","properties":{"provisioningState":"Succeeded"}}"""),
        });
        var credential = new StaticTokenCredential("tok-1");
        using var arm = new ArmClient(Settings(), new AzureTokens(credential), Sebs.Core.Diagnostics.NullSebsLog.Instance, handler);
        var site = await arm.PutAsync("/subscriptions/x/resourceGroups/g/providers/Microsoft.Web/sites/site", "2024-04-01", new JsonObject(), "PUT site", default);
        Assert.Equal("site", site["name"]!.GetValue<string>());
        Assert.Equal(3, polls);
        Assert.All(handler.Requests, r => Assert.Equal("Bearer tok-1", r.Auth));
        Assert.Contains(handler.Requests, r => r.Url.EndsWith("/sites/site?api-version=2024-04-01") && r.Method == "GET");
        Assert.Equal("https://management.azure.com/.default", credential.Scopes[0]);
    }

    [Fact]
    public async Task A_failed_operation_carries_ARMs_error_code_and_message()
    {
        var handler = new ScriptedHandler(r => r.RequestUri!.AbsolutePath == "/op/2"
            ? Json(HttpStatusCode.OK, """{"status":"Failed","error":{"code":"ConflictingServerFarm","message":"The plan is busy."}}""")
            : Json(HttpStatusCode.Accepted, "", ("Azure-AsyncOperation", "http://arm.test/op/2")));
        using var arm = new ArmClient(Settings(), new AzureTokens(new StaticTokenCredential("t")), Sebs.Core.Diagnostics.NullSebsLog.Instance, handler);
        var ex = await Assert.ThrowsAsync<CloudRequestException>(() => arm.PutAsync("/subscriptions/x/resourceGroups/g", "2021-04-01", new JsonObject(), "PUT plan", default));
        Assert.Equal("ConflictingServerFarm", ex.Code);
        Assert.Contains("The plan is busy.", ex.Message);
    }

    [Fact]
    public async Task Location_polling_waits_while_202_and_a_404_GET_is_null()
    {
        var polls = 0;
        var handler = new ScriptedHandler(r => r.RequestUri!.AbsolutePath switch
        {
            "/loc/1" => ++polls < 2 ? Json(HttpStatusCode.Accepted, "") : Json(HttpStatusCode.OK, """{"done":true}"""),
            "/missing" => Json(HttpStatusCode.NotFound, """{"error":{"code":"ResourceNotFound","message":"no"}}"""),
            _ => Json(HttpStatusCode.Accepted, "", ("Location", "http://arm.test/loc/1")),
        });
        using var arm = new ArmClient(Settings(), new AzureTokens(new StaticTokenCredential("t")), Sebs.Core.Diagnostics.NullSebsLog.Instance, handler);
        Assert.True(await arm.DeleteAsync("/subscriptions/x/resourceGroups/g", "2021-04-01", "DELETE group", default));
        Assert.Equal(2, polls);
        Assert.Null(await arm.GetAsync("/missing", "2021-04-01", "GET", default));
    }

    [Theory]
    [InlineData(409, "Conflict", "There was a conflict. Another operation is in progress on the site.", true)]
    [InlineData(409, "AnotherOperationInProgress", "An operation is in progress.", true)]
    [InlineData(409, "Conflict", "Website with given name already exists.", false)]
    [InlineData(400, "BadRequest", "Another operation is in progress", false)]
    public void Only_in_progress_conflicts_are_transient(int status, string code, string message, bool transient)
    {
        var body = new JsonObject { ["error"] = new JsonObject { ["code"] = code, ["message"] = message } }.ToJsonString();
        Assert.Equal(transient, ArmClient.IsOperationInProgress(new ControlPlaneResponse((HttpStatusCode)status, body, new Dictionary<string, string>())));
    }
}

public class AzureSettingsTests
{
    private static SebsConfig Config(string azure) => SebsConfig.Parse("{\"deployment\": {\"name\": \"azure\", \"azure\": " + azure + " }}");

    [Fact]
    public void Flex_is_the_default_plan_and_Consumption_is_Y1()
    {
        var empty = new Dictionary<string, object?>();
        Assert.Equal(AzureHostingPlan.Flex, AzureSettings.From(Config("{}"), empty).Plan);
        Assert.Equal(AzureHostingPlan.Consumption, AzureSettings.From(Config("""{"hosting-plan": "Y1"}"""), empty).Plan);
        Assert.Equal(AzureHostingPlan.Consumption, AzureSettings.From(Config("{}"), new Dictionary<string, object?> { ["HostingPlan"] = "Consumption" }).Plan);
        var bad = Assert.Throws<SebsException>(() => AzureSettings.From(Config("""{"hosting-plan": "Premium"}"""), empty));
        Assert.Contains("Flex", bad.Message);
        Assert.Throws<SebsException>(() => AzureSettings.From(Config("""{"maximum-instances": 5}"""), empty));
    }

    [Fact]
    public void Endpoint_templates_name_the_app_and_the_account()
    {
        var s = AzureSettings.From(Config("""{"endpoints": {"scm": "http://127.0.0.1:1/scm/{app}", "storage": "http://127.0.0.1:2/{account}"}}"""), new Dictionary<string, object?>());
        Assert.Equal("http://127.0.0.1:1/scm/myapp/", s.Scm("myapp").ToString());
        Assert.Contains("BlobEndpoint=http://127.0.0.1:2/acct;", s.ConnectionString("acct", "a2V5"));
        Assert.Throws<SebsException>(() => AzureSettings.From(Config("""{"endpoints": {"scm": "http://127.0.0.1:1/scm"}}"""), new Dictionary<string, object?>()));
        // Without an override the site's own Repository host name wins over the conventional one.
        var plain = AzureSettings.From(Config("{}"), new Dictionary<string, object?>());
        Assert.Equal("https://app-x1.scm.westeurope-01.azurewebsites.net/", plain.Scm("app", "app-x1.scm.westeurope-01.azurewebsites.net").ToString());
        Assert.Equal("https://app.scm.azurewebsites.net/", plain.Scm("app").ToString());
        Assert.Equal("http://127.0.0.1:1/scm/app/", s.Scm("app", "ignored.example").ToString());
    }

    [Fact]
    public void A_missing_subscription_is_MissingCredentials()
    {
        var saved = Environment.GetEnvironmentVariable("AZURE_SUBSCRIPTION_ID");
        try
        {
            Environment.SetEnvironmentVariable("AZURE_SUBSCRIPTION_ID", null);
            var ex = Assert.Throws<SebsException>(() => AzureSettings.From(Config("{}"), new Dictionary<string, object?>()).RequireSubscription());
            Assert.Equal(SebsErrorIds.MissingCredentials, ex.ErrorId);
        }
        finally { Environment.SetEnvironmentVariable("AZURE_SUBSCRIPTION_ID", saved); }
    }
}

public class AzureNamingTests
{
    [Fact]
    public void Host_url_and_storage_account_names()
    {
        Assert.Equal("https://app.azurewebsites.net/", AzurePlatform.HostUrl("https://app.azurewebsites.net/api/handler"));
        Assert.Equal("sebsab12cd34", AzurePlatform.StorageAccountName("ab12-CD34"));
        Assert.Equal(24, AzurePlatform.StorageAccountName(new string('a', 40)).Length);
    }

    [Fact]
    public void Host_json_carries_the_timeout()
    {
        var host = JsonNode.Parse(AzurePackageLayout.HostJson(90))!;
        Assert.Equal("00:01:30", host["functionTimeout"]!.GetValue<string>());
        Assert.Equal("2.0", host["version"]!.GetValue<string>());
    }
}

public class AzureColdStartTests
{
    [Fact]
    public async Task A_merge_works_its_changes_out_from_the_listed_settings_and_puts_them_with_the_rest()
    {
        string? put = null;
        var handler = new ScriptedHandler(r =>
        {
            if (r.Method == HttpMethod.Put) put = r.Content!.ReadAsStringAsync().Result;
            var body = r.Method == HttpMethod.Put ? put! : """{"properties":{"AzureWebJobsStorage":"x","ForceColdStart":"100"}}""";
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
        });
        var settings = new AzureSettings { SubscriptionId = "s", ArmEndpoint = new Uri("http://arm.test/") };
        using var arm = new ArmClient(settings, new AzureTokens(new StaticTokenCredential("t")), Sebs.Core.Diagnostics.NullSebsLog.Instance, handler);
        var changed = await new AzureResources(arm, settings).MergeAppSettingsAsync("/subscriptions/s/resourceGroups/g/providers/Microsoft.Web/sites/app",
            current => new Dictionary<string, string> { ["ForceColdStart"] = Sebs.Core.Platforms.ColdStartCounter.After(99, current.GetValueOrDefault(AzurePlatform.ColdStartSetting)).ToString() }, default);
        Assert.True(changed);
        var properties = JsonNode.Parse(put!)!["properties"]!;
        Assert.Equal("101", properties["ForceColdStart"]!.GetValue<string>());
        Assert.Equal("x", properties["AzureWebJobsStorage"]!.GetValue<string>());
        Assert.Equal(2, handler.Requests.Count);   // one list, one PUT
    }
}
