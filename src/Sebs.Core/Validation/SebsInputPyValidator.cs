using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using Sebs.Core.Benchmarks;
using Sebs.Core.Inputs;

namespace Sebs.Core.Validation;

/// <summary>
/// Validates with a SeBS-format benchmark's own <c>validate_output(data_dir, input_config, output, language, storage)</c>
/// from its <c>input.py</c>, run with the host python3. <c>storage</c> is a proxy whose <c>download(bucket, key, filepath)</c>
/// and <c>list_bucket(bucket, prefix)</c> are served here through <see cref="Platforms.IObjectStorage"/> (one JSON line
/// per request on the driver's stdout, one answer line on its stdin). <c>None</c> means valid; a string is the reason.
/// Not registered by reflection (it has no parameterless constructor): <see cref="For"/> picks it for such benchmarks.
/// </summary>
public sealed class SebsInputPyValidator : IOutputValidator
{
    private readonly Benchmark _benchmark;

    public SebsInputPyValidator(Benchmark benchmark) => _benchmark = benchmark;

    public string Benchmark => _benchmark.Name;

    /// <summary>A validator for a SeBS-format benchmark whose input.py defines validate_output, else null.</summary>
    public static SebsInputPyValidator? For(Benchmark benchmark)
    {
        if (benchmark.InputGenerator != InputGeneratorKind.SebsInputPy) return null;
        var inputPy = Path.Combine(benchmark.Path, "input.py");
        return File.Exists(inputPy) && File.ReadAllText(inputPy).Contains("def validate_output", StringComparison.Ordinal)
            ? new SebsInputPyValidator(benchmark) : null;
    }

    /// <summary>argv: benchmark dir, data dir ("" = none), language. stdin: {"input_config", "output"} then answers.</summary>
    public const string DriverScript = """
import importlib.util, json, os, sys
bench_dir, data_dir, language = sys.argv[1:4]
channel_out = sys.stdout
sys.stdout = sys.stderr
request = json.loads(sys.stdin.readline())
def call(op, **args):
    args["op"] = op
    channel_out.write(json.dumps(args) + "\n")
    channel_out.flush()
    answer = json.loads(sys.stdin.readline())
    if "error" in answer:
        raise RuntimeError(answer["error"])
    return answer.get("value")
class Storage:
    def download(self, bucket, key, filepath):
        call("download", bucket=bucket, key=key, path=os.path.abspath(filepath))
    def list_bucket(self, bucket, prefix=""):
        return call("list", bucket=bucket, prefix=prefix)
sys.path.insert(0, bench_dir)
spec = importlib.util.spec_from_file_location("sebs_benchmark_input", os.path.join(bench_dir, "input.py"))
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
message = module.validate_output(data_dir or None, request["input_config"], request["output"], language, Storage())
channel_out.write(json.dumps({"op": "result", "message": None if message is None else str(message)}) + "\n")
channel_out.flush()
""";

    public async Task<string?> ValidateAsync(ValidationContext context, CancellationToken cancellationToken)
    {
        var psi = new ProcessStartInfo(SebsInputPyRunner.Python)
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true,
            UseShellExecute = false, WorkingDirectory = _benchmark.Path,
        };
        foreach (var a in new[] { "-c", DriverScript, _benchmark.Path, SebsInputPyRunner.ResolveDataDir(_benchmark, context.DataRoot) ?? "", context.Language })
            psi.ArgumentList.Add(a);
        psi.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
        psi.Environment["TMPDIR"] = context.WorkDirectory;
        using var process = new Process { StartInfo = psi };
        var stderr = new StringBuilder();
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (stderr) stderr.AppendLine(e.Data); };
        process.Start();
        process.BeginErrorReadLine();
        try
        {
            var request = new JsonObject { ["input_config"] = context.Payload.DeepClone(), ["output"] = context.Output?.DeepClone() };
            await process.StandardInput.WriteLineAsync(request.ToJsonString()).ConfigureAwait(false);
            await process.StandardInput.FlushAsync(cancellationToken).ConfigureAwait(false);
            while (await process.StandardOutput.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
            {
                var message = JsonNode.Parse(line) as JsonObject;
                var op = message?["op"]?.GetValue<string>();
                if (op == "result")
                {
                    await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
                    return message!["message"]?.GetValue<string>();
                }
                JsonObject answer;
                try
                {
                    answer = await ServeAsync(op, message!, context, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    answer = new JsonObject { ["error"] = $"{ex.GetType().Name}: {ex.Message}" };
                }
                await process.StandardInput.WriteLineAsync(answer.ToJsonString()).ConfigureAwait(false);
                await process.StandardInput.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            process.WaitForExit();
            return $"validate_output of {_benchmark.Name} failed (exit code {process.ExitCode}):\n{SebsInputPyRunner.TracebackTail(stderr.ToString())}";
        }
        finally
        {
            if (!process.HasExited)
                try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
        }
    }

    private static async Task<JsonObject> ServeAsync(string? op, JsonObject message, ValidationContext context, CancellationToken ct)
    {
        if (context.Storage is null) throw new InvalidOperationException("no object storage is available to validate_output");
        var bucket = message["bucket"]!.GetValue<string>();
        switch (op)
        {
            case "download":
                var path = message["path"]!.GetValue<string>();
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                await context.Storage.DownloadAsync(bucket, message["key"]!.GetValue<string>(), path, ct).ConfigureAwait(false);
                return new JsonObject { ["value"] = null };
            case "list":
                var keys = await context.Storage.ListAsync(bucket, message["prefix"]?.GetValue<string>() ?? "", ct).ConfigureAwait(false);
                return new JsonObject { ["value"] = new JsonArray(keys.Select(k => (JsonNode)k).ToArray()) };
            default:
                throw new InvalidOperationException($"unknown storage operation '{op}'");
        }
    }
}
