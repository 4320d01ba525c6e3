using System.Text.Json;

namespace RemoteCam.Cli.Profiles;

/// <summary>
/// Reads and writes <c>config.json</c> in the user's config folder: <c>$REMOTECAM_CONFIG_DIR</c>,
/// else <c>$XDG_CONFIG_HOME/remotecam</c>, else <c>~/.config/remotecam</c>. The folder is 0700 and the
/// file 0600, since a relay profile may hold an admin key.
/// </summary>
internal sealed class ProfileStore(string directory)
{
    public const string DefaultName = "default";

    /// <summary>The name shown for the built-in local relay when nothing is configured.</summary>
    public const string BuiltInName = "local-relay";

    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public string Directory { get; } = directory;

    public string FilePath => Path.Combine(Directory, "config.json");

    public static ProfileStore For(Func<string, string?> environment)
    {
        var overridden = environment("REMOTECAM_CONFIG_DIR");
        if (!string.IsNullOrEmpty(overridden))
        {
            return new ProfileStore(overridden);
        }

        var xdg = environment("XDG_CONFIG_HOME");
        var root = !string.IsNullOrEmpty(xdg)
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config");
        return new ProfileStore(Path.Combine(root, "remotecam"));
    }

    public bool TryLoad(out ProfileConfig config, out string? error)
    {
        config = new ProfileConfig();
        error = null;
        if (!File.Exists(FilePath))
        {
            return true;
        }

        try
        {
            config = JsonSerializer.Deserialize<ProfileConfig>(File.ReadAllText(FilePath), Options) ?? new ProfileConfig();
            return true;
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            error = $"cannot read the profiles in {FilePath}: {e.Message} Fix or delete the file, then run 'remotecam init'.";
            return false;
        }
    }

    /// <summary>Writes the config atomically, owner-only.</summary>
    public void Save(ProfileConfig config) => OwnerOnlyFile.WriteJson(FilePath, config, Options);

    /// <summary>
    /// The profile to use: <paramref name="requested"/> (an error when it does not exist), else the
    /// current one, else the built-in local relay.
    /// </summary>
    public bool TryResolve(string? requested, out string name, out Profile profile, out string? error)
    {
        name = BuiltInName;
        profile = Profile.LocalRelay;
        if (!TryLoad(out var config, out error))
        {
            return false;
        }

        var wanted = requested ?? config.Current;
        if (wanted is null)
        {
            return true;
        }

        if (config.Profiles.TryGetValue(wanted, out var found))
        {
            name = wanted;
            profile = found;
            return true;
        }

        if (requested is null && wanted == BuiltInName)
        {
            return true;
        }

        error = config.Profiles.Count == 0
            ? $"there is no profile named '{wanted}': none is configured yet. Create one with 'remotecam init'."
            : $"there is no profile named '{wanted}' (known: {string.Join(", ", config.Profiles.Keys.Order(StringComparer.Ordinal))}).";
        return false;
    }
}
