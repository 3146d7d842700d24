using System.Text.Json.Nodes;
using Sebs.Core;
using Sebs.Core.Results;
using Xunit;

namespace Sebs.Tests.Results;

public class ResultCsvTests
{
    [Fact]
    public void Round_trips_flat_values_timestamps_and_multi_line_output()
    {
        var results = SyntheticResults.Create(3);
        results[0].SetOutputJson(JsonNode.Parse("""{"result": {"text": "a, \"quoted\"\nsecond line"}, "is_cold": true}""")!.AsObject());
        results[1].Times.HttpStartupSeconds = 0.0125;
        results[1].Billing.BilledTimeMilliseconds = 100;
        results[1].Billing.MemoryMB = 512;
        results[1].Billing.Recompute();
        results[2].Valid = true;
        results[2].ErrorMessage = "timeout, retried";
        var path = Path.Combine(TestPaths.NewTempDir(), "r.csv");
        ResultFile.Write(results, path, ResultFileFormat.Csv);

        Assert.Equal(ResultFileFormat.Csv, ResultFile.Detect(path));
        var back = ResultFile.Read(path).ToList();

        Assert.Equal(3, back.Count);
        Assert.Equal(results.Select(r => r.Times.ClientMicroseconds), back.Select(r => r.Times.ClientMicroseconds));
        Assert.Equal(results.Select(r => r.Times.ClientBegin), back.Select(r => r.Times.ClientBegin));
        Assert.Equal(results.Select(r => r.MemoryMB), back.Select(r => r.MemoryMB));
        Assert.Equal("a, \"quoted\"\nsecond line", back[0].GetResultJson()!["text"]!.GetValue<string>());
        Assert.Equal(0.0125, back[1].Times.HttpStartupSeconds);
        Assert.Equal((100L, 512, 0.05), (back[1].BilledMs!.Value, back[1].Billing.MemoryMB!.Value, back[1].GBSeconds));
        Assert.Equal((true, "timeout, retried"), (back[2].Valid!.Value, back[2].ErrorMessage));
        Assert.Equal("sebs-synthetic-112.dynamic-html-python-3.11", back[2].FunctionName);
    }

    [Fact]
    public void Reads_the_flat_columns_of_an_Export_Csv_file()
    {
        // What Export-Csv -IncludeTypeInformation writes for an ExecutionResult (nested objects as display strings).
        var path = Path.Combine(TestPaths.NewTempDir(), "export.csv");
        File.WriteAllText(path, """
            #TYPE Sebs.Core.Results.ExecutionResult
            "Benchmark","FunctionName","Invocation","RequestId","Times","IsCold","Failed","ClientMs","BenchmarkMs","MemoryMB","BilledMs","GBSeconds"
            "010.sleep","fn","3","r3","client 12.5 ms, benchmark 10 ms","True","False","12.5","10","","",""
            """);
        var r = Assert.Single(ResultFile.Read(path));
        Assert.Equal(("010.sleep", "fn", 3, "r3"), (r.Benchmark, r.FunctionName, r.Invocation, r.RequestId));
        Assert.Equal((12500L, 10000L, true, false), (r.Times.ClientMicroseconds, r.Times.BenchmarkMicroseconds, r.IsCold, r.Failed));
        Assert.Null(r.MemoryMB);
        Assert.Null(r.BilledMs);
    }

    [Fact]
    public void Rejects_a_csv_that_is_not_results()
    {
        var path = Path.Combine(TestPaths.NewTempDir(), "other.csv");
        File.WriteAllText(path, "Name,Value\nx,1\n");
        var ex = Assert.Throws<SebsException>(() => ResultFile.Read(path).ToList());
        Assert.Equal(SebsErrorIds.ResultFileInvalid, ex.ErrorId);
    }

    [Fact]
    public void A_bad_value_names_its_line_and_column()
    {
        var path = Path.Combine(TestPaths.NewTempDir(), "bad.csv");
        File.WriteAllText(path, "FunctionName,ClientMs\nf,1.5\nf,\"multi\nline\"\nf,abc\n");
        var ex = Assert.Throws<SebsException>(() => ResultFile.Read(path).ToList());
        Assert.Contains("line 3", ex.Message);
        Assert.Contains("ClientMs", ex.Message);
    }

    [Fact]
    public void An_unclosed_quote_is_reported()
    {
        var path = Path.Combine(TestPaths.NewTempDir(), "torn.csv");
        File.WriteAllText(path, "FunctionName,ClientMs\n\"f,1.5\n");
        var ex = Assert.Throws<SebsException>(() => ResultFile.Read(path).ToList());
        Assert.Contains("never closes", ex.Message);
    }
}
