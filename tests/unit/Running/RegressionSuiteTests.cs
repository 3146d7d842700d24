using System.Reflection;
using System.Text.Json.Nodes;
using Sebs.Core;
using Sebs.Core.Benchmarks;
using Sebs.Core.Caching;
using Sebs.Core.Packaging;
using Sebs.Core.Platforms;
using Sebs.Core.Running;
using Xunit;

namespace Sebs.Tests.Running;

public class RegressionSuiteTests
{
    private static Benchmark B(string name, params string[] languages) => new()
    {
        Name = name, Path = "/nowhere/" + name, TimeoutSeconds = 10, MemoryMB = 128,
        LanguageSpecs = languages.Select(l => new BenchmarkLanguage(l, new[] { "default" })).ToArray(),
    };

    private static readonly Benchmark[] Catalog =
    {
        B("010.sleep", "python", "nodejs"), B("110.dynamic-html", "python", "nodejs"), B("411.image-recognition", "python"),
    };

    [Fact]
    public void Selects_every_benchmark_in_every_declared_language_in_catalog_order()
    {
        var cases = RegressionSuite.SelectCases(Catalog, _ => true, null);
        Assert.Equal(new[] { "010.sleep (python)", "010.sleep (nodejs)", "110.dynamic-html (python)", "110.dynamic-html (nodejs)", "411.image-recognition (python)" },
            cases.Select(c => c.ToString()));
    }

    [Fact]
    public void Filters_by_name_and_language_without_inventing_unsupported_combinations()
    {
        var cases = RegressionSuite.SelectCases(Catalog, n => n.StartsWith("1") || n.StartsWith("4"), new[] { "NodeJS" });
        Assert.Equal(new[] { "110.dynamic-html (nodejs)" }, cases.Select(c => c.ToString()));
    }

    [Fact]
    public void Names_files_as_sebs_does()
    {
        Assert.Equal("regression_local_110.dynamic-html_nodejs.json", RegressionSuite.ResultFileName("Local", "110.dynamic-html", "nodejs"));
    }

    [Fact]
    public async Task Runs_at_most_the_throttle_limit_at_once_and_streams_in_completion_order()
    {
        var dir = TestPaths.NewTempDir();
        var suite = new RegressionSuite(null!, new RegressionOptions { OutputPath = dir });
        var cases = Enumerable.Range(0, 6).Select(i => new RegressionCase(B($"{i:000}.case", "python"), "python")).ToList();
        var running = 0;
        var peak = 0;
        var othersDone = 0;
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        async Task<RegressionResult> Run(RegressionCase c, CancellationToken ct)
        {
            var now = Interlocked.Increment(ref running);
            lock (cases) peak = Math.Max(peak, now);
            // Case 0 starts first but ends only after all the others, so it must come out last.
            if (c.Benchmark.Name.StartsWith("000")) await release.Task.WaitAsync(TimeSpan.FromSeconds(20), ct);
            else await Task.Delay(10, ct);
            Interlocked.Decrement(ref running);
            if (!c.Benchmark.Name.StartsWith("000") && Interlocked.Increment(ref othersDone) == 5) release.TrySetResult();
            return new RegressionResult { Benchmark = c.Benchmark.Name, Language = c.Language, Outcome = c.Benchmark.Name.StartsWith("003") ? RegressionOutcome.Failed : RegressionOutcome.Passed };
        }

        var results = new List<RegressionResult>();
        await foreach (var r in suite.RunAsync(cases, Run, throttleLimit: 2, progress: null)) results.Add(r);

        Assert.Equal(6, results.Count);
        Assert.Equal(2, peak);
        Assert.Equal("000.case", results[^1].Benchmark);
        Assert.False(results.Single(r => r.Benchmark == "003.case").Passed);
        Directory.Delete(dir, true);
    }

    [Fact]
    public async Task A_case_that_cannot_even_build_fails_with_the_reason_and_writes_its_file()
    {
        var dir = TestPaths.NewTempDir();
        var cache = new SebsCache(Path.Combine(dir, "cache"));
        var platform = FailingPlatform.Create(new SebsException(SebsErrorIds.InputGenerationFailed, SebsErrorKind.ObjectNotFound, "benchmark data is missing"));
        var runner = new BenchmarkRunner(platform, cache, new CodePackageBuilder(cache));
        var suite = new RegressionSuite(runner, new RegressionOptions { OutputPath = Path.Combine(dir, "out") });

        var result = await suite.RunCaseAsync(new RegressionCase(B("411.image-recognition", "python"), "python"), CancellationToken.None);

        Assert.False(result.Passed);
        Assert.Equal("benchmark data is missing", result.Error);
        Assert.Null(result.ClientMs);
        Assert.Equal("Local", result.Platform);
        Assert.False(string.IsNullOrEmpty(result.LanguageVersion));
        Assert.True(result.Duration > TimeSpan.Zero);
        var json = JsonNode.Parse(File.ReadAllText(result.ResultPath!))!.AsObject();
        Assert.True(json.ContainsKey("http"));
        Assert.Null(json["http"]);
        Assert.Equal("benchmark data is missing", json["error"]!.GetValue<string>());
        Assert.EndsWith("regression_local_411.image-recognition_python.json", result.ResultPath);
        Directory.Delete(dir, true);
    }

    /// <summary>A platform whose every step fails the same way.</summary>
    public class FailingPlatform : DispatchProxy
    {
        private Exception _error = null!;
        private PlatformName _name;

        public static IPlatform Create(Exception error, PlatformName? name = null)
        {
            var p = Create<IPlatform, FailingPlatform>();
            ((FailingPlatform)(object)p)._error = error;
            ((FailingPlatform)(object)p)._name = name ?? TestPlatforms.Local;
            return p;
        }

        protected override object? Invoke(MethodInfo? method, object?[]? args) => method!.Name switch
        {
            "get_Name" => _name,
            "get_Descriptor" => TestPlatforms.Descriptor(_name.Value) with { FunctionsRunLocally = _name == TestPlatforms.Local },
            "get_Region" => "local",
            _ when method.ReturnType == typeof(Task) => Task.FromException(_error),
            _ when method.ReturnType.IsGenericType && method.ReturnType.GetGenericTypeDefinition() == typeof(Task<>) =>
                typeof(Task).GetMethod(nameof(Task.FromException), 1, new[] { typeof(Exception) })!
                    .MakeGenericMethod(method.ReturnType.GetGenericArguments()[0]).Invoke(null, new object[] { _error }),
            _ => throw _error,
        };
    }
}
