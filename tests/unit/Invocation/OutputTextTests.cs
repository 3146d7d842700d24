using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Sebs.Core.Invocation;
using Sebs.Core.Results;
using Xunit;
using static Sebs.Tests.Invocation.ScriptedHttpServer;

namespace Sebs.Tests.Invocation;

/// <summary>
/// A result keeps the wrapper's answer as the text it came in and parses it on first use: the journal line, the parsed
/// output and later changes to it must be what they were when results kept the parsed object.
/// </summary>
public class OutputTextTests
{
    private static async Task<ExecutionResult> InvokeOnce(string body)
    {
        using var server = new ScriptedHttpServer((n, head, b) => (new[] { Ok(body) }, false));
        using var trigger = new HttpTrigger(server.Url, TimeSpan.FromSeconds(10), () => new ExecutionResult());
        var result = await trigger.InvokeAsync(new JsonObject { ["sleep"] = 0 }, CancellationToken.None);
        Assert.False(result.Failed, result.ErrorMessage);
        return result;
    }

    private static string JournalLine(ExecutionResult r)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer)) InvocationJson.Write(w, r);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static JsonNode Output(string journalLine) => JsonNode.Parse(journalLine)!["output"]!;

    [Fact]
    public async Task A_one_line_answer_is_kept_as_text_and_journaled_as_it_came()
    {
        var r = await InvokeOnce("  " + WrapperBody + " ");
        Assert.NotNull(r.UnparsedOutputUtf8);
        Assert.Equal(WrapperBody, Encoding.UTF8.GetString(r.UnparsedOutputUtf8!));
        Assert.Contains("\"output\":" + WrapperBody, JournalLine(r));
        Assert.Equal("r1", r.RequestId);   // what Apply read from it stays
    }

    [Fact]
    public async Task The_first_use_parses_it_once_and_later_changes_reach_the_journal()
    {
        var r = await InvokeOnce(WrapperBody);
        var parsed = r.GetOutputJson()!;
        Assert.Same(parsed, r.GetOutputJson());
        Assert.Null(r.UnparsedOutputUtf8);
        Assert.Equal(7, r.GetResultJson()!["output"]!.GetValue<int>());
        Assert.Equal(7L, ((Dictionary<string, object?>)r.Result!)["output"]);
        parsed["extra"] = "added";
        Assert.Equal("added", Output(JournalLine(r))["extra"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_pretty_printed_answer_is_parsed_so_the_journal_line_stays_one_line()
    {
        var pretty = JsonNode.Parse(WrapperBody)!.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
        Assert.Contains('\n', pretty);
        var r = await InvokeOnce(pretty);
        Assert.Null(r.UnparsedOutputUtf8);
        var line = JournalLine(r);
        Assert.DoesNotContain('\n', line);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(WrapperBody), Output(line)));
    }

    [Fact]
    public void Setting_the_output_replaces_the_kept_text()
    {
        var r = new ExecutionResult();
        r.SetOutputUtf8(Encoding.UTF8.GetBytes(WrapperBody));
        r.SetOutputJson(new JsonObject { ["is_cold"] = true });
        Assert.Null(r.UnparsedOutputUtf8);
        Assert.Equal("{\"is_cold\":true}", Output(JournalLine(r)).ToJsonString());
    }
}
