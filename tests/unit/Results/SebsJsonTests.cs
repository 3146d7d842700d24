using System.Text.Json.Nodes;
using Sebs.Core.Results;
using Xunit;

namespace Sebs.Tests.Results;

public class SebsJsonTests
{
    // A SeBS experiments.json written by hand from reference §7.6: an HTTP invocation with AWS billing, a library
    // invocation with null billing and no http_* fields, a failed one keyed failed-<n>, and GCP-style metrics.
    private const string SebsFile = """
    {
      "_invocations": {
        "sebs-ab12cd34-110.dynamic-html-python-3.11": {
          "0f3e-req-1": {
            "billing": {"_billed_time": 125, "_gb_seconds": 0.015625, "_memory": 128},
            "output": {"begin": "1714560000.100000", "end": "1714560000.101234", "is_cold": true,
                       "request_id": "0f3e-req-1", "container_id": "a1b2c3d4", "result": {"output": "<html>ok</html>"}},
            "provider_times": {"execution": 1500, "initialization": 210000},
            "request_id": "0f3e-req-1",
            "stats": {"cold_start": true, "failure": false, "memory_used": 61.5},
            "times": {"benchmark": 1234, "client": 56789, "client_begin": "2024-05-01 12:00:00.123456",
                      "client_end": "2024-05-01 12:00:00.180245", "http_first_byte_return": 0.05, "http_startup": 0.01,
                      "initialization": 0}
          },
          "0f3e-req-2": {
            "billing": {"_billed_time": null, "_gb_seconds": 0, "_memory": null},
            "output": {"begin": 1714560001.0, "end": 1714560001.002, "is_cold": false, "request_id": "0f3e-req-2", "result": {}},
            "provider_times": {"execution": 0, "initialization": 0},
            "request_id": "0f3e-req-2",
            "stats": {"cold_start": false, "failure": false, "memory_used": null},
            "times": {"benchmark": 2000, "client": 30000, "client_begin": "2024-05-01 12:00:01",
                      "client_end": "2024-05-01 12:00:01.030000", "initialization": 0}
          },
          "failed-2": {
            "billing": {"_billed_time": null, "_gb_seconds": 0, "_memory": null},
            "output": {},
            "provider_times": {"execution": 0, "initialization": 0},
            "request_id": "",
            "stats": {"cold_start": false, "failure": true, "memory_used": null},
            "times": {"benchmark": 0, "client": 900, "client_begin": "2024-05-01 12:00:02.000000",
                      "client_end": "2024-05-01 12:00:02.000900", "initialization": 0}
          }
        }
      },
      "_metrics": {"sebs-ab12cd34-110.dynamic-html-python-3.11": {"execution_times": [{"mean_value": 1.5, "executions_count": 2}]}},
      "begin_time": 1714560000.123,
      "config": {"deployment": {"name": "aws", "region": "us-east-1"}, "experiments": {"update_code": false}},
      "end_time": 1714560010.456,
      "result_bucket": null
    }
    """;

    private static string WriteTemp(string content, string name = "experiments.json")
    {
        var path = Path.Combine(TestPaths.NewTempDir(), name);
        File.WriteAllText(path, content);
        return path;
    }

    [Fact]
    public void Reads_a_plain_SeBS_file_with_context_from_the_function_name_and_config()
    {
        var experiment = ExperimentResultJson.Read(WriteTemp(SebsFile));
        var results = experiment.Results.ToList();
        Assert.Equal(3, results.Count);

        var cold = results[0];
        Assert.Equal("sebs-ab12cd34-110.dynamic-html-python-3.11", cold.FunctionName);
        Assert.Equal("110.dynamic-html", cold.Benchmark);
        Assert.Equal("python", cold.Language);
        Assert.Equal("3.11", cold.LanguageVersion);
        Assert.Equal("aws", cold.Platform);
        Assert.Equal("us-east-1", cold.Region);
        Assert.Equal("a1b2c3d4", cold.ContainerId);
        Assert.Equal(128, cold.FunctionMemoryMB);
        Assert.Equal(125, cold.Billing.BilledTimeMilliseconds);
        Assert.Equal(128, cold.Billing.MemoryMB);
        Assert.Equal(0.015625, cold.GBSeconds);
        Assert.Equal(1500, cold.ProviderTimes.ExecutionMicroseconds);
        Assert.Equal(210000, cold.ProviderTimes.InitializationMicroseconds);
        Assert.True(cold.IsCold);
        Assert.Equal(61.5, cold.MemoryMB);
        Assert.Equal(1234, cold.Times.BenchmarkMicroseconds);
        Assert.Equal(56.789, cold.ClientMs);
        Assert.Equal(new DateTime(2024, 5, 1, 12, 0, 0).AddTicks(1234560), cold.Times.ClientBegin);
        Assert.Equal(0.01, cold.Times.HttpStartupSeconds);
        Assert.Equal(0.05, cold.Times.HttpFirstByteReturnSeconds);
        Assert.Equal("<html>ok</html>", cold.GetResultJson()?["output"]?.GetValue<string>());

        var warm = results[1];
        Assert.Null(warm.Billing.BilledTimeMilliseconds);
        Assert.Null(warm.Billing.MemoryMB);
        Assert.Null(warm.MemoryMB);
        Assert.Null(warm.Times.HttpStartupSeconds);
        Assert.Null(warm.Times.HttpFirstByteReturnSeconds);
        Assert.Equal(new DateTime(2024, 5, 1, 12, 0, 1), warm.Times.ClientBegin);

        Assert.True(results[2].Failed);
        Assert.Equal("", results[2].RequestId);
        Assert.Contains("failed-2", experiment.Invocations["sebs-ab12cd34-110.dynamic-html-python-3.11"].Keys);

        Assert.Equal(1714560000.123, experiment.BeginTime);
        Assert.Equal(1714560010.456, experiment.EndTime);
        Assert.Null(experiment.ResultBucket);
        Assert.Equal(1.5, experiment.Metrics["sebs-ab12cd34-110.dynamic-html-python-3.11"]!["execution_times"]![0]!["mean_value"]!.GetValue<double>());
        Assert.Equal("aws", experiment.Config["deployment"]!["name"]!.GetValue<string>());
    }

    [Fact]
    public void Writes_the_SeBS_shape_and_reimports_without_loss()
    {
        var original = ExperimentResultJson.Read(WriteTemp(SebsFile));
        var dir = TestPaths.NewTempDir();
        var first = Path.Combine(dir, "first.json");
        ExperimentResultJson.Write(original, first);

        var root = JsonNode.Parse(File.ReadAllText(first))!.AsObject();
        Assert.Equal(new[] { "_invocations", "_metrics", "begin_time", "config", "end_time", "result_bucket" }, root.Select(p => p.Key));
        var invocation = root["_invocations"]!["sebs-ab12cd34-110.dynamic-html-python-3.11"]!["0f3e-req-2"]!.AsObject();
        Assert.Equal(new[] { "billing", "output", "provider_times", "request_id", "sebs_context", "stats", "times" }, invocation.Select(p => p.Key));
        Assert.Null(invocation["billing"]!["_billed_time"]);
        Assert.True(invocation["billing"]!.AsObject().ContainsKey("_memory"));
        Assert.False(invocation["times"]!.AsObject().ContainsKey("http_startup"));
        Assert.Equal("2024-05-01 12:00:01.000000", invocation["times"]!["client_begin"]!.GetValue<string>());
        Assert.Equal("110.dynamic-html", invocation["sebs_context"]!["benchmark"]!.GetValue<string>());

        var again = ExperimentResultJson.Read(first);
        var second = Path.Combine(dir, "second.json");
        ExperimentResultJson.Write(again, second);
        Assert.Equal(File.ReadAllText(first), File.ReadAllText(second));
        Assert.Equal(original.Invocations.Values.SelectMany(f => f.Keys), again.Invocations.Values.SelectMany(f => f.Keys));
    }

    [Fact]
    public void Context_fields_survive_a_round_trip()
    {
        var result = new ExecutionResult
        {
            Benchmark = "010.sleep", Platform = "local", Language = "nodejs", LanguageVersion = "20", FunctionName = "my-fn",
            Region = "eu-west-1", Trigger = "http", Size = "small", Invocation = 7, RequestId = "r-7", ContainerId = "c1",
            FunctionMemoryMB = 256, ErrorMessage = "boom", Valid = false, ValidationMessage = "bad output",
        };
        var experiment = new ExperimentResult();
        experiment.Add(result);
        var path = Path.Combine(TestPaths.NewTempDir(), "r.json");
        ExperimentResultJson.Write(experiment, path);

        var back = Assert.Single(ExperimentResultJson.ReadResults(path));
        Assert.Equal(("010.sleep", "local", "nodejs", "20", "my-fn", "eu-west-1", "http", "small"),
            (back.Benchmark, back.Platform, back.Language, back.LanguageVersion, back.FunctionName, back.Region, back.Trigger, back.Size));
        Assert.Equal((7, "r-7", "c1", 256), (back.Invocation, back.RequestId, back.ContainerId, back.FunctionMemoryMB));
        Assert.Equal(("boom", false, "bad output"), (back.ErrorMessage, back.Valid, back.ValidationMessage));
    }

    [Fact]
    public void Reads_metrics_under_either_key()
    {
        var legacy = SebsFile.Replace("\"_metrics\"", "\"metrics\"");
        var experiment = ExperimentResultJson.Read(WriteTemp(legacy));
        Assert.True(experiment.Metrics.ContainsKey("sebs-ab12cd34-110.dynamic-html-python-3.11"));
    }

    [Fact]
    public void Keys_empty_request_ids_as_failed_n_and_keeps_repeated_ids()
    {
        var experiment = new ExperimentResult();
        Assert.Equal("a", experiment.Add(new ExecutionResult { FunctionName = "f", RequestId = "a" }));
        Assert.Equal("failed-1", experiment.Add(new ExecutionResult { FunctionName = "f" }));
        Assert.Equal("a#2", experiment.Add(new ExecutionResult { FunctionName = "f", RequestId = "a" }));
        Assert.Equal("failed-0", experiment.Add(new ExecutionResult { FunctionName = "g" }));
        Assert.Equal(4, experiment.Count);
    }

    [Fact]
    public void A_corrupt_file_names_the_file_and_position()
    {
        var path = WriteTemp("{\n  \"_invocations\": {\n    \"f\": {,\n");
        var ex = Assert.Throws<Sebs.Core.SebsException>(() => ExperimentResultJson.Read(path));
        Assert.Equal(Sebs.Core.SebsErrorIds.ResultFileInvalid, ex.ErrorId);
        Assert.Contains(path, ex.Message);
        Assert.Contains("line 3", ex.Message);
    }

    [Fact]
    public void A_wrongly_typed_field_names_the_invocation()
    {
        var path = WriteTemp(SebsFile.Replace("\"benchmark\": 2000", "\"benchmark\": \"slow\""));
        var ex = Assert.Throws<Sebs.Core.SebsException>(() => ExperimentResultJson.Read(path));
        Assert.Contains("_invocations.sebs-ab12cd34-110.dynamic-html-python-3.11.0f3e-req-2", ex.Message);
        Assert.Contains("'benchmark'", ex.Message);
    }

    [Theory]
    [InlineData("sebs-ab12cd34-110.dynamic-html-python-3.11", "110.dynamic-html", "python", "3.11")]
    [InlineData("sebs-regr-ab12cd34-210.thumbnailer-nodejs-20", "210.thumbnailer", "nodejs", "20")]
    [InlineData("sebs-ab12cd34-110-dynamic-html-python-3-11", "110.dynamic-html", "python", "3.11")]
    [InlineData("sebs_ab12cd34_110_python_3_11_x64", "110", "python", "3.11")]
    [InlineData("sebs-ab12cd34-411-python-3-9-x64-gen2", "411", "python", "3.9")]
    [InlineData("sebd-010.sleep-python-3.8", "010.sleep", "python", "3.8")]
    public void Parses_SeBS_function_names(string name, string benchmark, string language, string version)
    {
        var parsed = SebsFunctionName.TryParse(name);
        Assert.Equal(new SebsFunctionName(benchmark, language, version), parsed);
    }

    [Fact]
    public void Leaves_other_function_names_alone()
    {
        Assert.Null(SebsFunctionName.TryParse("my-function"));
        Assert.Null(SebsFunctionName.TryParse(""));
    }
}
