using System.Text;
using System.Text.Json;
using Sebs.Core.Invocation;
using Sebs.Core.Results;
using Xunit;

namespace Sebs.Tests.Invocation;

/// <summary>The wrapper's answer read from its JSON text: the fields, the wrappings platforms add, and what is not an answer.</summary>
public class WrapperOutputTests
{
    private static (bool Ok, ExecutionResult Result) Apply(string body)
    {
        var r = new ExecutionResult { RequestId = "before" };
        return (WrapperOutput.Apply(r, Encoding.UTF8.GetBytes(body)), r);
    }

    [Theory]
    [InlineData("""{"begin": "1700000000.000100", "end": "1700000000.000350", "is_cold": true, "request_id": "r", "container_id": "c"}""")]   // Python
    [InlineData("""{"begin": 1700000000.0001, "end": 1700000000.00035, "is_cold": true, "request_id": "r", "container_id": "c"}""")]       // Node.js
    public void Reads_times_cold_start_and_ids(string body)
    {
        var (ok, r) = Apply(body);
        Assert.True(ok, r.ErrorMessage);
        Assert.Equal(250, r.Times.BenchmarkMicroseconds);
        Assert.True(r.Stats.ColdStart);
        Assert.Equal("r", r.RequestId);
        Assert.Equal("c", r.ContainerId);
    }

    [Theory]
    [InlineData("""{"body": "{\"is_cold\": false, \"request_id\": \"inner\"}"}""")]   // AWS: the answer as a JSON string
    [InlineData("""{"statusCode": 200, "body": {"is_cold": false, "request_id": "inner"}}""")]
    public void Unwraps_a_body_and_keeps_the_inner_answer_as_the_output(string body)
    {
        var (ok, r) = Apply(body);
        Assert.True(ok, r.ErrorMessage);
        Assert.Equal("inner", r.RequestId);
        Assert.False(r.GetOutputJson()!.ContainsKey("body"));
        Assert.Equal("inner", r.GetOutputJson()!["request_id"]!.GetValue<string>());
    }

    [Fact]
    public void A_null_body_is_no_wrapping()
    {
        var (ok, r) = Apply("""{"body": null, "is_cold": false}""");
        Assert.True(ok, r.ErrorMessage);
        Assert.Equal("before", r.RequestId);
    }

    [Theory]
    [InlineData("""{"is_cold": true, "error": {"type": "ValueError", "message": "bad input"}}""", "ValueError: bad input")]
    [InlineData("""{"result": {"a": 1}}""", "Invocation failed! Reason: {\"a\":1}")]
    [InlineData("""{}""", "Invocation failed! Reason: the response has no is_cold field")]
    [InlineData("""[1, 2]""", "The function returned something that is not a JSON object.")]
    [InlineData("""{"body": "not json"}""", "The function returned something that is not a JSON object.")]
    public void Says_why_an_answer_is_a_failure(string body, string message)
    {
        var (ok, r) = Apply(body);
        Assert.False(ok);
        Assert.True(r.Failed);
        Assert.Equal(message, r.ErrorMessage);
    }

    [Fact]
    public void Text_that_is_not_json_is_left_to_the_caller()
    {
        Assert.ThrowsAny<JsonException>(() => Apply("<html>502</html>"));
        Assert.ThrowsAny<JsonException>(() => Apply(""));
    }
}
