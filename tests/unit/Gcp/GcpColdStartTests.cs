using System.Text.Json.Nodes;
using Sebs.Platforms.Gcp;
using Xunit;

namespace Sebs.Tests.Gcp;

/// <summary>An update that would change nothing is recognised, so nothing waits for a revision Cloud Run will not make.</summary>
public class GcpUnchangedServiceTests
{
    private static GcpFunctionSpec Spec(int memory = 256, string? coldStart = "7") => new("python312", "handler", memory, "1", 60, 80, 0, 10,
        coldStart is null ? new Dictionary<string, string> { ["A"] = "x" } : new Dictionary<string, string> { ["A"] = "x", ["cold_start"] = coldStart });

    // As the API answers: output fields besides the ones set, variables in another order, minInstanceCount (0) left out.
    private static JsonObject Function() => JsonNode.Parse("""
        {"name": "projects/p/locations/r/functions/f", "state": "ACTIVE",
         "serviceConfig": {"service": "projects/p/locations/r/services/f", "revision": "f-00002-abc", "uri": "https://f.run.app",
           "availableMemory": "256Mi", "availableCpu": "1", "timeoutSeconds": 60, "maxInstanceRequestConcurrency": 80,
           "maxInstanceCount": 10, "environmentVariables": {"cold_start": "7", "A": "x"}, "ingressSettings": "ALLOW_ALL",
           "allTrafficOnLatestRevision": true, "serviceAccountEmail": "1-compute@developer.gserviceaccount.com"}}
        """)!.AsObject();

    [Fact]
    public void A_function_that_has_the_spec_already_needs_no_update() =>
        Assert.True(CloudFunctionsClient.HasServiceConfig(Function(), Spec()));

    [Fact]
    public void Any_field_the_update_sets_differently_is_a_change()
    {
        Assert.False(CloudFunctionsClient.HasServiceConfig(Function(), Spec(memory: 512)));
        Assert.False(CloudFunctionsClient.HasServiceConfig(Function(), Spec(coldStart: "8")));
        Assert.False(CloudFunctionsClient.HasServiceConfig(Function(), Spec(coldStart: null)));
        var f = Function();
        f["serviceConfig"]!["maxInstanceCount"] = 0;   // 0 set where 10 is wanted
        Assert.False(CloudFunctionsClient.HasServiceConfig(f, Spec()));
        f = Function();
        f["serviceConfig"]!.AsObject().Remove("timeoutSeconds");   // missing, but 60 is not a default
        Assert.False(CloudFunctionsClient.HasServiceConfig(f, Spec()));
    }
}
