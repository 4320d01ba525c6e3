namespace RemoteCam.Relay.Storage;

/// <summary>Loads a storage.rules file (null: deny all), throwing <see cref="InvalidDataException"/> with the line and column of a problem.</summary>
internal static class StorageRulesFile
{
    public static IStorageRules Load(string? path)
    {
        if (path is null)
        {
            return DenyAllStorageRules.Instance;
        }

        var text = File.ReadAllText(path);
        if (!Rules.StorageRuleSet.TryLoad(text, out var rules, out var error))
        {
            throw new InvalidDataException($"{Path.GetFileName(path)}: {error}");
        }

        return rules!;
    }
}
