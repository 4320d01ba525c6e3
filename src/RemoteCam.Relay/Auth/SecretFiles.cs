using System.Security.Cryptography;

namespace RemoteCam.Relay.Auth;

/// <summary>Secrets kept in the data directory with owner-only permissions, created on first use.</summary>
internal static class SecretFiles
{
    public static byte[] LoadOrCreate(string? directory, string name, int bytes)
    {
        if (directory is null)
        {
            return RandomNumberGenerator.GetBytes(bytes);
        }

        Directory.CreateDirectory(directory);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var path = Path.Combine(directory, name);
        if (File.Exists(path))
        {
            var existing = Convert.FromHexString(File.ReadAllText(path).Trim());
            if (existing.Length == bytes)
            {
                return existing;
            }

            throw new IOException($"The secret file '{path}' is damaged; delete it to make a new one (tokens signed with it stop working).");
        }

        var secret = RandomNumberGenerator.GetBytes(bytes);
        var temporary = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(temporary, options))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(Convert.ToHexStringLower(secret));
            writer.Flush();
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: false);
        return secret;
    }
}
