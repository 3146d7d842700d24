using System.Text.Json.Nodes;

namespace Sebs.Core.Platforms;

/// <summary>A self-hosted S3-compatible store started by Sebs (SeBS's <c>storage start object</c>).</summary>
public sealed class StorageInstance
{
    public string Type { get; init; } = "minio";
    /// <summary>host:port on 127.0.0.1.</summary>
    public required string Address { get; init; }
    public required string AccessKey { get; init; }
    /// <summary>Kept out of ToString and logs; written only to files readable by the owner.</summary>
    public required string SecretKey { get; init; }
    public required string InstanceId { get; init; }
    public string Image { get; init; } = "";
    public string DataPath { get; init; } = "";
    public int Port { get; init; }

    /// <summary>The <c>deployment.local.storage</c> block of a SeBS config that points at this store.</summary>
    public JsonObject ToConfigJson() => new()
    {
        ["object"] = new JsonObject
        {
            ["type"] = Type,
            [Type] = new JsonObject
            {
                ["address"] = Address, ["mapped_port"] = Port, ["access_key"] = AccessKey, ["secret_key"] = SecretKey,
                ["instance_id"] = InstanceId, ["data_volume"] = DataPath, ["version"] = Image.Contains(':') ? Image[(Image.IndexOf(':') + 1)..] : "",
                ["input_buckets"] = new JsonArray(), ["output_buckets"] = new JsonArray(), ["type"] = Type,
            },
        },
    };

    public static StorageInstance FromConfigJson(JsonObject storage)
    {
        var type = storage["object"]?["type"]?.GetValue<string>() ?? "minio";
        var o = storage["object"]?[type] as JsonObject ?? throw new SebsException(SebsErrorIds.InvalidConfig, SebsErrorKind.InvalidData,
            "The storage JSON has no object.<type> section.");
        return new StorageInstance
        {
            Type = type,
            Address = o["address"]?.GetValue<string>() ?? "",
            AccessKey = o["access_key"]?.GetValue<string>() ?? "",
            SecretKey = o["secret_key"]?.GetValue<string>() ?? "",
            InstanceId = o["instance_id"]?.GetValue<string>() ?? "",
            DataPath = o["data_volume"]?.GetValue<string>() ?? "",
            Port = o["mapped_port"]?.GetValue<int>() ?? 0,
        };
    }

    public override string ToString() => $"{Type} at {Address} ({InstanceId[..Math.Min(12, InstanceId.Length)]})";
}

public sealed record StorageStartOptions(string Image, int? Port, string DataPath);

/// <summary>Platforms that can run their own object store (the local platform: MinIO in Docker).</summary>
public interface IStorageServiceHost
{
    Task<StorageInstance> StartObjectStorageAsync(StorageStartOptions options, CancellationToken cancellationToken);
    Task StopObjectStorageAsync(StorageInstance instance, CancellationToken cancellationToken);
}
