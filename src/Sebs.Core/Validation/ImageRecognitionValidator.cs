namespace Sebs.Core.Validation;

/// <summary>
/// 411.image-recognition: the predicted ImageNet index equals the one <c>fake-resnet/val_map.txt</c> gives for the image
/// (817, sports car, for the Porsche SeBS uses), and the class names it.
/// </summary>
public sealed class ImageRecognitionValidator : IOutputValidator
{
    public string Benchmark => "411.image-recognition";

    /// <summary>Used when the data set's val_map.txt is not at hand: the image SeBS classifies.</summary>
    public static IReadOnlyDictionary<string, (int Index, string Class)> Known { get; } = new Dictionary<string, (int, string)>
    {
        ["800px-Porsche_991_silver_IAA.jpg"] = (817, "sports car"),
    };

    public Task<string?> ValidateAsync(ValidationContext context, CancellationToken cancellationToken)
    {
        var image = Path.GetFileName(context.Payload["object"]?["input"]?.GetValue<string>() ?? "");
        var result = context.Output?["result"];
        if (result?["idx"] is null) return Task.FromResult<string?>("the result has no 'idx'");
        var idx = result["idx"]!.GetValue<int>();
        int? expected = null;
        var valMap = context.DataRoot is null ? null : Path.Combine(context.DataRoot, "400.inference", "411.image-recognition", "fake-resnet", "val_map.txt");
        if (valMap is not null && File.Exists(valMap))
            foreach (var line in File.ReadLines(valMap))
            {
                var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length == 2 && parts[0] == image) expected = int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
            }
        if (expected is null && Known.TryGetValue(image, out var known)) expected = known.Index;
        if (expected is null) return Task.FromResult<string?>($"no expected class for '{image}' (val_map.txt not found under the data root)");
        if (idx != expected) return Task.FromResult<string?>($"predicted index {idx}, expected {expected} for {image}");
        var name = result["class"]?.ToString();
        if (Known.TryGetValue(image, out var k) && name is not null &&
            !string.Equals(name.Replace('_', ' '), k.Class, StringComparison.OrdinalIgnoreCase))
            return Task.FromResult<string?>($"class '{name}' for index {idx}, expected '{k.Class}'");
        return Task.FromResult<string?>(null);
    }
}
