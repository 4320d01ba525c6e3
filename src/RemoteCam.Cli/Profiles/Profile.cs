using System.Text.Json.Serialization;

namespace RemoteCam.Cli.Profiles;

/// <summary>The two kinds of backend a profile can name.</summary>
internal static class ProfileKinds
{
    public const string Firebase = "firebase";
    public const string Relay = "relay";
}

/// <summary>
/// One backend the CLI talks to. <c>firebase</c>: a real project (database URL, the path of a
/// service-account file — never the key itself —, optionally the web API key and hosting URL).
/// <c>relay</c>: an embedded relay (URL, and either its admin key or the data directory holding it).
/// </summary>
internal sealed record Profile
{
    public required string Kind { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? DatabaseUrl { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Credentials { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ApiKey { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? HostingUrl { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Url { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? AdminKey { get; init; }

    /// <summary>For a relay on this machine: its data directory, where <c>.auth/admin.key</c> is read at each use.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? DataDirectory { get; init; }

    /// <summary>The profile used when none is configured: the local relay, admin through the loopback <c>owner</c> token.</summary>
    public static Profile LocalRelay { get; } = new() { Kind = ProfileKinds.Relay, Url = "http://127.0.0.1:9000/" };

    /// <summary>Where the database lives (the relay's URL for relay profiles).</summary>
    [JsonIgnore]
    public string Location => (Kind == ProfileKinds.Firebase ? DatabaseUrl : Url) ?? "";
}

/// <summary>The config file: the profiles by name and which one is used by default.</summary>
internal sealed record ProfileConfig
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Current { get; set; }

    public Dictionary<string, Profile> Profiles { get; init; } = new(StringComparer.Ordinal);
}
