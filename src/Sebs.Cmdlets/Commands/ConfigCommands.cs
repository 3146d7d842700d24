using System.Management.Automation;
using Sebs.Cmdlets.Infrastructure;
using Sebs.Core;
using Sebs.Core.Configuration;
using Sebs.Core.Packaging;
using Sebs.Core.Platforms;

namespace Sebs.Cmdlets.Commands;

[Cmdlet(VerbsCommon.Get, "SebsConfig")]
[OutputType(typeof(SebsConfig))]
public sealed class GetSebsConfigCommand : SebsCmdlet
{
    /// <summary>A SeBS config file (JSON).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    public string Path { get; set; } = "";

    protected override void ProcessRecord()
    {
        try
        {
            var config = SebsConfig.Load(GetUnresolvedProviderPathFromPSPath(Path));
            // deployment.name must name a registered platform; said here rather than at the first deployment.
            if (config.Platform is { } name) PlatformLoader.Factory(name, $"{config.SourcePath} (deployment.name)");
            WriteObject(config);
        }
        catch (SebsException ex)
        {
            ThrowSebsError(ex, Path);
        }
    }
}

[Cmdlet(VerbsCommon.New, "SebsConfig", SupportsShouldProcess = true)]
[OutputType(typeof(SebsConfig))]
public sealed class NewSebsConfigCommand : SebsCmdlet
{
    [Parameter(Position = 0)]
    [ArgumentCompleter(typeof(PlatformNameCompleter))]
    public string Platform { get; set; } = "Local";

    [Parameter]
    [ValidateSet("python", "nodejs", IgnoreCase = true)]
    public string Language { get; set; } = "python";

    [Parameter] public string? LanguageVersion { get; set; }

    [Parameter] public string? Region { get; set; }

    [Parameter]
    [ValidateSet("x64", "arm64")]
    public string Architecture { get; set; } = "x64";

    /// <summary>Write the config to this file (SeBS JSON); without it the object is only returned.</summary>
    [Parameter] public string? Path { get; set; }

    /// <summary>Overwrite an existing file.</summary>
    [Parameter] public SwitchParameter Force { get; set; }

    protected override void ProcessRecord()
    {
        try
        {
            var descriptor = PlatformLoader.Factory(Platform).Descriptor;
            var language = LanguageRuntimes.NormalizeLanguage(Language);
            var config = new SebsConfig
            {
                Platform = descriptor.Name.ToSebsName(),
                Architecture = descriptor.Runtimes.ResolveArchitecture(Architecture),
                Runtime = new RuntimeSpec(language, descriptor.Runtimes.Resolve(language, LanguageVersion, DirectLog)),
            };
            var section = new System.Text.Json.Nodes.JsonObject();
            if (!descriptor.FunctionsRunLocally) section["region"] = descriptor.Region(config, Region);
            config.Deployments[descriptor.ConfigSection] = section;
            if (Path is not null)
            {
                var full = GetUnresolvedProviderPathFromPSPath(Path);
                var exists = File.Exists(full);
                // -WhatIf reports what would happen, even for a file that -Force would be needed for.
                if (ShouldProcess(full, exists ? "Overwrite Sebs config" : "Write Sebs config"))
                {
                    if (exists && !Force)
                        throw new SebsException("Sebs.ConfigExists", SebsErrorKind.WriteError, $"'{full}' exists; use -Force to overwrite it.", target: full);
                    Sebs.Core.Caching.SebsCache.WriteAtomic(full, config.ToJson().ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
                    config.SourcePath = full;
                }
            }
            WriteObject(config);
        }
        catch (SebsException ex)
        {
            ThrowSebsError(ex, Path);
        }
    }
}
