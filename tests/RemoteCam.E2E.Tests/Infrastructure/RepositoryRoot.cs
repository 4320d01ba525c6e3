namespace RemoteCam.E2E.Tests.Infrastructure;

/// <summary>Files of the repository the tests run from (found by walking up to <c>RemoteCam.sln</c>).</summary>
internal static class RepositoryRoot
{
    private static readonly Lazy<string> Root = new(() =>
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "RemoteCam.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"No RemoteCam.sln above {AppContext.BaseDirectory}: run the tests from the repository.");
    });

    public static string Folder => Root.Value;

    /// <summary>The security rules the project deploys.</summary>
    public static string RulesFile => Path.Combine(Root.Value, "database.rules.json");
}
