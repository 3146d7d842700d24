using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Sebs.Core.Diagnostics;
using Sebs.Platforms.Gcp;
using Xunit;

namespace Sebs.Tests.Gcp;

/// <summary>The invoker binding is added by read-modify-write: other bindings and the etag go back, a concurrent change re-reads.</summary>
public class CloudRunPolicyTests
{
    private sealed class PolicyService : HttpMessageHandler
    {
        public JsonObject Policy = JsonNode.Parse("""{"version": 1, "etag": "e1", "bindings": [{"role": "roles/run.developer", "members": ["user:a@b.c"]}]}""")!.AsObject();
        public int Conflicts = 1;
        public List<JsonObject> Sets = new();

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            Assert.Equal("Bearer t", request.Headers.Authorization?.ToString());
            var path = request.RequestUri!.AbsolutePath;
            if (request.Method == HttpMethod.Get && path.EndsWith(":getIamPolicy")) return Json(Policy);
            var policy = JsonNode.Parse(await request.Content!.ReadAsStringAsync(ct))!["policy"]!.AsObject();
            Sets.Add(policy);
            if (Conflicts-- > 0)
            {
                Policy["etag"] = "e2";   // someone else changed it meanwhile
                return Json(JsonNode.Parse("""{"error": {"code": 409, "message": "There were concurrent policy changes.", "status": "ABORTED"}}""")!, HttpStatusCode.Conflict);
            }
            Assert.Equal(Policy["etag"]!.GetValue<string>(), policy["etag"]!.GetValue<string>());
            Policy = policy;
            return Json(policy);
        }

        private static HttpResponseMessage Json(JsonNode body, HttpStatusCode status = HttpStatusCode.OK) =>
            new(status) { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };
    }

    [Fact]
    public async Task Adds_allUsers_keeping_other_bindings_and_rereads_after_a_concurrent_change()
    {
        var service = new PolicyService();
        var settings = new GcpSettings();
        using var api = new GoogleApi("Cloud Run", new Uri("http://run.test/"), _ => ValueTask.FromResult("t"), NullSebsLog.Instance, service,
            CloudRunClient.Options);
        await new CloudRunClient(api, settings, NullSebsLog.Instance).EnsurePublicInvokerAsync("projects/p/locations/r/services/s", CancellationToken.None);
        Assert.Equal(2, service.Sets.Count);
        Assert.Equal("e1", service.Sets[0]["etag"]!.GetValue<string>());
        Assert.Equal("e2", service.Sets[1]["etag"]!.GetValue<string>());
        var bindings = service.Policy["bindings"]!.AsArray().Select(b => b!["role"]!.GetValue<string>()).ToList();
        Assert.Contains("roles/run.developer", bindings);
        Assert.Contains(CloudRunClient.InvokerRole, bindings);
    }
}
