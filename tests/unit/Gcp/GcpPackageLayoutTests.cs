using System.Text.Json.Nodes;
using Sebs.Platforms.Gcp;
using Xunit;

namespace Sebs.Tests.Gcp;

/// <summary>SeBS §5.3 for GCP: the wrapper becomes the Functions Framework's source file at the root.</summary>
public class GcpPackageLayoutTests
{
    [Fact]
    public async Task Python_wrapper_becomes_main_py()
    {
        var dir = Directory.CreateTempSubdirectory("sebs-gcp-layout-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "handler.py"), "def handler(req): pass\n");
            await new GcpPackageLayout("/nowhere").CompleteAsync(dir, null!, "python", "3.12", CancellationToken.None);
            Assert.True(File.Exists(Path.Combine(dir, "main.py")));
            Assert.False(File.Exists(Path.Combine(dir, "handler.py")));
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public async Task Node_wrapper_becomes_index_js_and_the_package_main_points_at_it()
    {
        var dir = Directory.CreateTempSubdirectory("sebs-gcp-layout-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "handler.js"), "exports.handler = () => {};\n");
            File.WriteAllText(Path.Combine(dir, "package.json"), """{"name": "b", "main": "function.js", "dependencies": {}}""");
            await new GcpPackageLayout("/nowhere").CompleteAsync(dir, null!, "nodejs", "22", CancellationToken.None);
            Assert.True(File.Exists(Path.Combine(dir, "index.js")));
            var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "package.json")))!;
            Assert.Equal("index.js", manifest["main"]!.GetValue<string>());
            Assert.Equal("b", manifest["name"]!.GetValue<string>());
        }
        finally { Directory.Delete(dir, true); }
    }
}
