using System.Management.Automation;
using Sebs.Cmdlets.Infrastructure;
using Sebs.Core;
using Sebs.Core.Packaging;
using Sebs.Core.Platforms;
using Sebs.Core.Running;

namespace Sebs.Cmdlets.Commands;

/// <summary>
/// Shared parameters of the cmdlets that build or deploy one benchmark's function: by benchmark name, or a function
/// piped from Get-SebsFunction (its benchmark, language, name and configuration are kept unless given).
/// </summary>
public abstract class SebsFunctionDeployCmdlet : SebsPlatformCmdlet
{
    protected const string BenchmarkSet = "Benchmark";
    protected const string FunctionSet = "Function";

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = BenchmarkSet)]
    [ArgumentCompleter(typeof(BenchmarkNameCompleter))]
    [Alias("Benchmark")]
    public string Name { get; set; } = "";

    /// <summary>A deployed function (from Get-SebsFunction).</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = FunctionSet)]
    public SebsFunction? InputObject { get; set; }

    /// <summary>Default: the piped function's language, else experiments.runtime of the config, else python.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateSet("python", "nodejs", IgnoreCase = true)]
    public string? Language { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? LanguageVersion { get; set; }

    /// <summary>Extra benchmark folders.</summary>
    [Parameter]
    public string[]? BenchmarkPath { get; set; }

    /// <summary>The benchmark this call is about, whichever way it was named.</summary>
    protected string BenchmarkName => InputObject?.Benchmark ?? Name;

    protected InvokeRequest? BuildRequest(int? memory = null, int? timeout = null, bool updateCode = false, string? functionName = null)
    {
        try
        {
            var piped = InputObject;
            var (language, version) = ResolveRuntime(Language ?? piped?.Language, LanguageVersion ?? (Language is null ? piped?.LanguageVersion : null));
            return new InvokeRequest
            {
                Benchmark = Catalog(BenchmarkPath).Get(BenchmarkName),
                Language = language,
                LanguageVersion = version,
                Architecture = piped?.Config.Architecture ?? Config.Architecture,
                MemoryMB = memory ?? piped?.MemoryMB,
                TimeoutSeconds = timeout ?? piped?.TimeoutSeconds,
                UpdateCode = updateCode,
                FunctionName = functionName ?? piped?.Name,
            };
        }
        catch (SebsException ex)
        {
            WriteSebsError(ex, BenchmarkName);
            return null;
        }
    }
}

[Cmdlet(VerbsCommon.New, "SebsCodePackage", SupportsShouldProcess = true, DefaultParameterSetName = FunctionSet)]
[OutputType(typeof(CodePackage))]
public sealed class NewSebsCodePackageCommand : SebsFunctionDeployCmdlet
{
    /// <summary>Rebuild even when the cached package is up to date.</summary>
    [Parameter] public SwitchParameter Force { get; set; }

    protected override void ProcessRecord()
    {
        if (BuildRequest(updateCode: Force) is not { } request) return;
        if (!ShouldProcess($"{request.Benchmark.Name} ({request.Language})", "Build code package")) return;
        RunForItem(BenchmarkName, async (queue, ct) =>
        {
            var runner = SebsSession.Runner(OpenPlatform(queue), Cache, queue);
            queue.WriteObject(await runner.BuildAsync(request, ct).ConfigureAwait(false));
        });
    }
}

/// <summary>New-SebsFunction and Update-SebsFunction: both run SeBS's get_function (create, update or reuse).</summary>
public abstract class SebsFunctionConfigCmdlet : SebsFunctionDeployCmdlet
{
    /// <summary>Function memory in MB (default: the benchmark's).</summary>
    [Parameter] [ValidateRange(64, 32768)] public int Memory { get; set; }
    /// <summary>Function timeout in seconds (default: the benchmark's).</summary>
    [Parameter] [ValidateRange(1, 3600)] public int Timeout { get; set; }
    [Parameter] public string? FunctionName { get; set; }

    protected abstract bool ForceRebuild { get; }
    protected abstract string Action { get; }

    protected override void ProcessRecord()
    {
        if (BuildRequest(Memory > 0 ? Memory : null, Timeout > 0 ? Timeout : null, ForceRebuild, FunctionName) is not { } request) return;
        if (!ShouldProcess($"{request.Benchmark.Name} ({request.Language}) on {PlatformName}", Action)) return;
        RunForItem(BenchmarkName, async (queue, ct) =>
        {
            var runner = SebsSession.Runner(OpenPlatform(queue), Cache, queue);
            var (function, _, action) = await runner.DeployAsync(request, ct).ConfigureAwait(false);
            queue.Verbose($"{action}: {function.Name}");
            function.IsRunning = true;
            queue.WriteObject(function);
        });
    }
}

[Cmdlet(VerbsCommon.New, "SebsFunction", SupportsShouldProcess = true, DefaultParameterSetName = FunctionSet)]
[OutputType(typeof(SebsFunction))]
public sealed class NewSebsFunctionCommand : SebsFunctionConfigCmdlet
{
    /// <summary>Rebuild the code package and redeploy even when nothing changed.</summary>
    [Parameter] public SwitchParameter UpdateCode { get; set; }

    protected override bool ForceRebuild => UpdateCode;
    protected override string Action => "Deploy function";
}

[Cmdlet(VerbsData.Update, "SebsFunction", SupportsShouldProcess = true, DefaultParameterSetName = FunctionSet)]
[OutputType(typeof(SebsFunction))]
public sealed class UpdateSebsFunctionCommand : SebsFunctionConfigCmdlet
{
    /// <summary>Rebuild the code package and redeploy even when its hash is unchanged.</summary>
    [Parameter] public SwitchParameter Force { get; set; }

    protected override bool ForceRebuild => Force;
    protected override string Action => "Update function code and configuration";
}

[Cmdlet(VerbsCommon.Get, "SebsFunction")]
[OutputType(typeof(SebsFunction))]
public sealed class GetSebsFunctionCommand : SebsPlatformCmdlet
{
    /// <summary>Function name (wildcards allowed).</summary>
    [Parameter(Position = 0)]
    [SupportsWildcards]
    public string Name { get; set; } = "*";

    /// <summary>Only functions of these benchmarks.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string[]? Benchmark { get; set; }

    protected override void ProcessRecord()
    {
        var pattern = new WildcardPattern(Name, WildcardOptions.IgnoreCase);
        var benchmarks = Benchmark is { Length: > 0 } ? Benchmark : Cache.Benchmarks().ToArray();
        foreach (var b in benchmarks)
        {
            var factory = PlatformLoader.Factory(PlatformName);
            foreach (var json in Cache.GetFunctions(b, PlatformName))
            {
                var function = factory.RestoreFunction(json);
                if (!pattern.IsMatch(function.Name)) continue;
                // Only a sandbox on this machine answers /alive; a cloud URL would run the function.
                if (PlatformDescriptor.FunctionsRunLocally && function.Url is { } url) function.IsRunning = Probe(url);
                WriteObject(function);
            }
        }
    }

    /// <summary>A quick liveness check that needs no platform assembly (GET &lt;url&gt;alive).</summary>
    private static bool Probe(string url)
    {
        try
        {
            using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(1) };
            return client.GetAsync(new Uri(new Uri(url), "alive")).GetAwaiter().GetResult().IsSuccessStatusCode;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or UriFormatException) { return false; }
    }
}

[Cmdlet(VerbsCommon.Remove, "SebsFunction", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = "Object")]
[OutputType(typeof(SebsFunction))]
public sealed class RemoveSebsFunctionCommand : SebsPlatformCmdlet
{
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = "Object")]
    public SebsFunction[] InputObject { get; set; } = Array.Empty<SebsFunction>();

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = "Name")]
    [SupportsWildcards]
    public string Name { get; set; } = "";

    [Parameter] public SwitchParameter Force { get; set; }
    /// <summary>Write each removed function to the pipeline.</summary>
    [Parameter] public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        IEnumerable<SebsFunction> targets = InputObject;
        if (ParameterSetName == "Name")
        {
            var pattern = new WildcardPattern(Name, WildcardOptions.IgnoreCase);
            var factory = PlatformLoader.Factory(PlatformName);
            targets = Cache.Benchmarks().SelectMany(b => Cache.GetFunctions(b, PlatformName))
                .Select(factory.RestoreFunction).Where(f => pattern.IsMatch(f.Name)).ToList();
        }
        foreach (var function in targets)
        {
            // -Force skips the confirmation prompt; -WhatIf still only reports.
            var whatIf = MyInvocation.BoundParameters.ContainsKey("WhatIf");
            if (!(Force && !whatIf) && !ShouldProcess($"{function.Name} on {function.Platform}", "Remove function")) continue;
            RunForItem(function.Name, async (queue, ct) =>
            {
                var platform = OpenPlatform(PlatformLoader.Factory(function.Platform).Descriptor, queue);
                await platform.DeleteFunctionAsync(function, ct).ConfigureAwait(false);
                function.IsRunning = false;
                if (PassThru) queue.WriteObject(function);
            });
        }
    }
}
