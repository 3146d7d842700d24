using System.Text.Json.Nodes;
using Sebs.Core.Results;
using Xunit;

namespace Sebs.Tests.Results;

public class PlainJsonTests
{
    [Fact]
    public void Output_and_result_are_plain_values_while_the_json_stays_as_received()
    {
        var json = JsonNode.Parse("""{"is_cold": true, "begin": "1.5", "result": {"output": {"n": 3, "x": 0.25, "list": [1, "a", null], "ok": false}}}""")!.AsObject();
        var r = new ExecutionResult();
        r.SetOutputJson(json);

        Assert.Same(json, r.GetOutputJson());
        Assert.Equal(true, r.Output!["is_cold"]);
        var output = Assert.IsType<Dictionary<string, object?>>(((Dictionary<string, object?>)r.Result!)["output"]);
        Assert.Equal(3L, output["n"]);
        Assert.Equal(0.25, output["x"]);
        Assert.Equal(new object?[] { 1L, "a", null }, (object?[])output["list"]!);
        Assert.Equal(false, output["OK"]); // keys are case-insensitive, as in PowerShell hashtables
        Assert.Equal("""{"is_cold":true,"begin":"1.5","result":{"output":{"n":3,"x":0.25,"list":[1,"a",null],"ok":false}}}""", r.GetOutputJson()!.ToJsonString());
    }

    [Fact]
    public void Setting_new_json_replaces_the_plain_view()
    {
        var r = new ExecutionResult();
        Assert.Null(r.Output);
        Assert.Null(r.Result);
        r.SetOutputJson(new JsonObject { ["result"] = "first" });
        Assert.Equal("first", r.Result);
        r.SetOutputJson(new JsonObject { ["result"] = "second" });
        Assert.Equal("second", r.Result);
    }
}
