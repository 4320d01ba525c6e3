using System.Text.Json;
using System.Text.Json.Serialization;

namespace RemoteCam.Cli.Clips;

/// <summary>
/// A clip's sealed index entry (docs/clips.md "Index entry"): the header of the clip. The JSON text keeps
/// this field order, the same as web/src/lib/clip.ts writes it.
/// </summary>
internal sealed record ClipEntry
{
    [JsonPropertyName("v")]
    public int V { get; init; } = 1;

    [JsonPropertyName("clip")]
    public required string Clip { get; init; }

    [JsonPropertyName("camera")]
    public required string Camera { get; init; }

    /// <summary>First frame, ms since 1970 (the camera's clock), pre-roll included.</summary>
    [JsonPropertyName("start")]
    public required long Start { get; init; }

    [JsonPropertyName("durationMs")]
    public required long DurationMs { get; init; }

    [JsonPropertyName("mime")]
    public required string Mime { get; init; }

    /// <summary>motion, timed or manual.</summary>
    [JsonPropertyName("reason")]
    public required string Reason { get; init; }

    [JsonPropertyName("chunks")]
    public required int Chunks { get; init; }

    /// <summary>Plaintext bytes of the whole clip.</summary>
    [JsonPropertyName("bytes")]
    public required long Bytes { get; init; }

    [JsonPropertyName("preRollMs")]
    public long PreRollMs { get; init; }

    /// <summary>Highest motion score of the clip, 0…1.</summary>
    [JsonPropertyName("peak")]
    public double Peak { get; init; }

    /// <summary>database, bucket or relay: where the chunks are.</summary>
    [JsonPropertyName("target")]
    public required string Target { get; init; }

    public static readonly string[] Reasons = ["motion", "timed", "manual"];
    public static readonly string[] Targets = ["database", "bucket", "relay"];

    /// <summary>The chunk count a clip of <paramref name="bytes"/> plaintext bytes has.</summary>
    public static int ChunksFor(long bytes) => (int)Math.Max(1, (bytes + ClipKeys.ChunkBytes - 1) / ClipKeys.ChunkBytes);

    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this, ClipJson.Default.ClipEntry);

    /// <summary>Throws <see cref="ClipFormatException"/> unless every field is within docs/clips.md's bounds.</summary>
    public void Check()
    {
        var ok = V == 1 && Start is >= 0 and <= 8_640_000_000_000_000 && DurationMs is >= 0 and <= 86_400_000
            && Mime is { Length: >= 1 and <= 100 } && Reasons.Contains(Reason) && Chunks is >= 1 and <= ClipKeys.MaxChunks
            && Bytes >= ((long)Chunks - 1) * ClipKeys.ChunkBytes + 1 && Bytes <= (long)Chunks * ClipKeys.ChunkBytes
            && PreRollMs is >= 0 and <= 86_400_000 && Peak is >= 0 and <= 1 && Targets.Contains(Target);
        if (!ok)
        {
            throw new ClipFormatException("not a valid clip index entry (docs/clips.md \"Index entry\")");
        }

        ClipKeys.CheckId(Clip, "clip");
        ClipKeys.CheckId(Camera, "camera");
    }
}

[JsonSourceGenerationOptions(NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(ClipEntry))]
internal sealed partial class ClipJson : JsonSerializerContext;
