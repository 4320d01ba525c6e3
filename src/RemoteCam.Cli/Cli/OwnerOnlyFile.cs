using System.Text.Json;

namespace RemoteCam.Cli;

/// <summary>Files that hold keys or secrets: folder 0700, file 0600, replaced atomically.</summary>
internal static class OwnerOnlyFile
{
    private const UnixFileMode OwnerFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode OwnerFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>
    /// A file the person asked for that holds a secret (an invitation's QR image): created 0600 in
    /// the folder they named, which is left as it is.
    /// </summary>
    public static void WriteBytes(string path, ReadOnlySpan<byte> bytes)
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerFile;
        }

        using (var stream = new FileStream(path, options))
        {
            stream.Write(bytes);
        }

        // An existing file keeps its mode when overwritten: make sure it is owner-only too.
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, OwnerFile);
        }
    }

    public static void WriteJson<T>(string path, T value, JsonSerializerOptions options)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
        }
        else
        {
            Directory.CreateDirectory(directory, OwnerFolder);
            File.SetUnixFileMode(directory, OwnerFolder);
        }

        var temporary = path + ".tmp";
        var streamOptions = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            streamOptions.UnixCreateMode = OwnerFile;
        }

        using (var stream = new FileStream(temporary, streamOptions))
        {
            JsonSerializer.Serialize(stream, value, options);
        }

        // A leftover temporary file from an earlier run keeps its mode; make sure it is owner-only.
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temporary, OwnerFile);
        }

        File.Move(temporary, path, overwrite: true);
    }
}
