using System.Text.Json.Nodes;
using Sebs.Platforms.Gcp;
using Xunit;

namespace Sebs.Tests.Gcp;

/// <summary>Forced cold starts set a cold_start value the function does not have yet, so Cloud Run makes a new revision.</summary>
public class GcpColdStartTests
{
    [Theory]
    [InlineData(41, "42", 43)]              // the function already has the value the counter would give
    [InlineData(41, "100", 101)]            // another session went further
    [InlineData(41, "7", 42)]               // the counter is ahead: SeBS's next value
    [InlineData(41, null, 42)]
    [InlineData(41, "", 42)]
    [InlineData(41, "not-a-number", 42)]
    public void The_next_cold_start_value_is_above_the_counter_and_the_functions_own(int counter, string? current, int next) =>
        Assert.Equal(next, GcpPlatform.NextColdStartValue(counter, current));
}

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
