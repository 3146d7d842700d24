using Sebs.Core.Benchmarks;
using Sebs.Core.Platforms;

namespace Sebs.Platforms.Gcp;

/// <summary>
/// SeBS's GCP package (§5.3): the wrapper is the Functions Framework's source file, <c>main.py</c> (Python) or
/// <c>index.js</c> (Node.js), at the root, the entry point <c>handler</c>; everything else in <c>function/</c>.
/// </summary>
public sealed class GcpPackageLayout(string wrappersRoot) : IPackageLayout
{
    public const string EntryPoint = "handler";

    public string WrapperDirectory(string language) => Path.Combine(wrappersRoot, GcpPlatformFactory.Gcp.Name.ToSebsName(), language);

    public Task CompleteAsync(string packageDirectory, Benchmark benchmark, string language, string languageVersion, CancellationToken ct)
    {
        var (from, to) = language == "nodejs" ? ("handler.js", "index.js") : ("handler.py", "main.py");
        var source = Path.Combine(packageDirectory, from);
        if (File.Exists(source)) File.Move(source, Path.Combine(packageDirectory, to), overwrite: true);
        // The Node.js Functions Framework loads package.json's "main" (default index.js): it must be the wrapper.
        var packageJson = Path.Combine(packageDirectory, "package.json");
        if (language == "nodejs" && File.Exists(packageJson) && System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(packageJson)) is System.Text.Json.Nodes.JsonObject manifest
            && manifest["main"] is { } main && main.ToString() != "index.js")
        {
            manifest["main"] = "index.js";
            File.WriteAllText(packageJson, manifest.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
        }
        return Task.CompletedTask;
    }
}
