using System.Text.Json.Nodes;
using Sebs.Core.Benchmarks;
using Sebs.Core.Platforms;

namespace Sebs.Platforms.Azure;

/// <summary>
/// SeBS's Azure package_code: one function folder <c>handler/</c> holding the wrapper, the shims, the benchmark
/// (<c>handler/function/</c>) and a generated function.json (anonymous HTTP trigger, GET and POST, scriptFile
/// handler.py/handler.js); host.json and the dependency manifest stay at the root, where Azure installs/looks for them.
/// </summary>
public sealed class AzurePackageLayout(string wrappersRoot) : IPackageLayout
{
    public const string FunctionFolder = "handler";
    /// <summary>The @azure/storage-blob range the Node storage shim is written against.</summary>
    public const string BlobSdkVersion = "^12.26.0";

    public string WrapperDirectory(string language) => Path.Combine(wrappersRoot, "azure", language);

    public bool IsRootFile(string fileName) => fileName.StartsWith("handler.", StringComparison.Ordinal);

    public Task CompleteAsync(string packageDirectory, Benchmark benchmark, string language, string languageVersion, CancellationToken cancellationToken)
    {
        var keep = new HashSet<string>(StringComparer.Ordinal) { "requirements.txt", "package.json", ".python_packages", "node_modules", "host.json" };
        var folder = Path.Combine(packageDirectory, FunctionFolder);
        Directory.CreateDirectory(folder);
        foreach (var entry in Directory.EnumerateFileSystemEntries(packageDirectory))
        {
            var name = Path.GetFileName(entry);
            if (name == FunctionFolder || keep.Contains(name)) continue;
            var dest = Path.Combine(folder, name);
            if (Directory.Exists(entry)) Directory.Move(entry, dest);
            else File.Move(entry, dest);
        }
        var script = language == "nodejs" ? "handler.js" : "handler.py";
        var functionJson = new JsonObject
        {
            ["scriptFile"] = script,
            ["entryPoint"] = language == "nodejs" ? null : "main",
            ["bindings"] = new JsonArray(
                new JsonObject { ["authLevel"] = "anonymous", ["type"] = "httpTrigger", ["direction"] = "in", ["name"] = "req", ["methods"] = new JsonArray("get", "post") },
                new JsonObject { ["type"] = "http", ["direction"] = "out", ["name"] = "$return" }),
        };
        if (language == "nodejs") functionJson.Remove("entryPoint");
        File.WriteAllText(Path.Combine(folder, "function.json"), functionJson.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
        // The Node storage shim's SDK goes with the app: with RemoteBuild=false nothing is installed on Azure.
        var manifest = Path.Combine(packageDirectory, "package.json");
        if (language == "nodejs" && benchmark.UsesModule("storage") && File.Exists(manifest) && JsonNode.Parse(File.ReadAllText(manifest)) is JsonObject package)
        {
            var deps = package["dependencies"] as JsonObject ?? new JsonObject();
            if (!deps.ContainsKey("@azure/storage-blob")) deps["@azure/storage-blob"] = BlobSdkVersion;
            package["dependencies"] = deps;
            File.WriteAllText(manifest, package.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
        }
        // host.json is written at deployment (HostJson), since it carries the function's timeout.
        return Task.CompletedTask;
    }

    /// <summary>host.json of a deployment: the v2 schema, the extension bundle (SeBS's) and the configured timeout.</summary>
    public static string HostJson(int timeoutSeconds) => new JsonObject
    {
        ["version"] = "2.0",
        ["functionTimeout"] = TimeSpan.FromSeconds(timeoutSeconds).ToString(@"hh\:mm\:ss"),
        ["extensionBundle"] = new JsonObject { ["id"] = "Microsoft.Azure.Functions.ExtensionBundle", ["version"] = "[4.*, 5.0.0)" },
    }.ToJsonString();
}
