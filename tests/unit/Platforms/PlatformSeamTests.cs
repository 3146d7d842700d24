using Sebs.Core;
using Sebs.Core.Diagnostics;
using Sebs.Core.Platforms;
using Xunit;

namespace Sebs.Tests.Platforms;

public class PlatformSeamTests
{
    private sealed class ListLog : ISebsLog
    {
        public List<string> Warnings { get; } = new();
        public void Verbose(string message) { }
        public void Warning(string message) => Warnings.Add(message);
        public void Debug(string message) { }
    }

    private static readonly RuntimeTable Table = new("Cloud", new Dictionary<string, RuntimeVersion[]>
    {
        ["nodejs"] = new RuntimeVersion[] { new("24"), new("22"), new("20", new DateOnly(2026, 4, 30), new DateOnly(2026, 9, 1)) },
        ["python"] = new RuntimeVersion[] { new("3.13"), new("3.10", new DateOnly(2026, 10, 31)) },
    }, new[] { "x64", "arm64" });

    [Fact]
    public void The_first_version_is_the_default_and_unknown_ones_list_the_valid()
    {
        Assert.Equal("24", Table.Resolve("nodejs", null));
        var ex = Assert.Throws<SebsException>(() => Table.Resolve("python", "3.7"));
        Assert.Contains("Valid versions: 3.13, 3.10", ex.Message);
        Assert.Throws<SebsException>(() => Table.Resolve("java", null));
    }

    [Fact]
    public void A_blocked_version_is_refused_with_its_date_and_a_deprecated_one_warns()
    {
        var ex = Assert.Throws<SebsException>(() => Table.Resolve("nodejs", "20", today: new DateOnly(2026, 12, 1)));
        Assert.Contains("blocked since 2026-09-01", ex.Message);
        Assert.Contains("24, 22", ex.Message);

        var log = new ListLog();
        Assert.Equal("20", Table.Resolve("nodejs", "20", log, new DateOnly(2026, 6, 1)));
        Assert.Contains(log.Warnings, w => w.Contains("deprecated since 2026-04-30") && w.Contains("blocked from 2026-09-01"));
        Assert.Equal("3.10", Table.Resolve("python", "3.10", log, new DateOnly(2026, 1, 1)));
    }

    [Fact]
    public void Architectures_default_to_the_first()
    {
        Assert.Equal("x64", Table.ResolveArchitecture(null));
        Assert.Throws<SebsException>(() => Table.ResolveArchitecture("riscv"));
    }

    [Fact]
    public void Platform_names_compare_without_case_and_reject_paths()
    {
        Assert.Equal(new PlatformName("aws"), new PlatformName("Aws"));
        Assert.Equal("aws", new PlatformName("AWS").ToSebsName());
        Assert.Throws<ArgumentException>(() => new PlatformName("../x"));
    }

    [Fact]
    public async Task Operation_logs_follow_the_async_flow_that_set_them()
    {
        var first = new ListLog();
        var second = new ListLog();
        var ambient = OperationLog.Ambient;
        async Task Run(ISebsLog log, string text)
        {
            using var _ = OperationLog.Use(log);
            await Task.Yield();
            ambient.Warning(text);
        }
        await Task.WhenAll(Run(first, "job"), Run(second, "cmdlet"));
        Assert.Equal(new[] { "job" }, first.Warnings);
        Assert.Equal(new[] { "cmdlet" }, second.Warnings);
        ambient.Warning("nobody"); // outside any operation: dropped, never sent to the last one
        Assert.Single(first.Warnings);
    }

    [Fact]
    public void Typed_function_state_round_trips_through_the_cache_shape()
    {
        var f = new SebsFunction { Name = "f", Benchmark = "010.sleep", Platform = new PlatformName("Aws"), Region = "eu-west-1", CodeHash = "abc", Url = "https://u" };
        var back = SebsFunction.Restore<SebsFunction>(f.ToJson(), new PlatformName("Aws"));
        Assert.Equal(("f", "010.sleep", "eu-west-1", "abc", "https://u"), (back.Name, back.Benchmark, back.Region, back.CodeHash, back.Url));
    }
}
