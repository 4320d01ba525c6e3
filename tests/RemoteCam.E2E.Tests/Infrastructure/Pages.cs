namespace RemoteCam.E2E.Tests.Infrastructure;

/// <summary>The built web pages the relay serves in the tests.</summary>
internal static class Pages
{
    /// <summary>
    /// <c>wwwroot</c> beside the test assembly (the build copies web/dist there); a clear failure
    /// when the pages were not built.
    /// </summary>
    public static string Folder
    {
        get
        {
            var folder = Path.Combine(AppContext.BaseDirectory, "wwwroot");
            return File.Exists(Path.Combine(folder, "index.html"))
                ? folder
                : throw new InvalidOperationException(
                    $"The pages are not built: {folder} has no index.html. Build the test project with npm available ('npm ci' first); see docs/testing.md.");
        }
    }
}
