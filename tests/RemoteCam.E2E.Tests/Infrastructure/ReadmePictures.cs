using System.Text.Json;

using Microsoft.Playwright;

namespace RemoteCam.E2E.Tests.Infrastructure;

/// <summary>
/// The README's pictures (docs/images/*.png), taken from the real pages by <c>PageQualityTests</c>. A normal run
/// never writes the repository: it compares each page's visible structure (<see cref="PageChecks.StructureAsync"/>)
/// with the one recorded beside the pictures, and fails when a page changed so that its picture is out of date.
/// <c>REMOTECAM_UPDATE_IMAGES=1</c> takes the pictures again and records their structure (docs/testing.md).
/// </summary>
internal static class ReadmePictures
{
    public const string UpdateVariable = "REMOTECAM_UPDATE_IMAGES";

    private static string Folder => Path.Combine(RepositoryRoot.Folder, "docs", "images");

    private static string StructureFile => Path.Combine(Folder, "pictures.json");

    private static bool Updating => Environment.GetEnvironmentVariable(UpdateVariable) == "1";

    /// <summary>Takes (or checks) the picture <paramref name="file"/> of <paramref name="page"/> at the given size.</summary>
    public static async Task TakeAsync(IPage page, string file, int width, int height)
    {
        await page.SetViewportSizeAsync(width, height);
        await page.EvaluateAsync("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))");
        await page.EvaluateAsync("() => window.scrollTo(0, 0)");
        var structure = await PageChecks.StructureAsync(page);
        var recorded = Load();
        if (Updating)
        {
            Directory.CreateDirectory(Folder);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Folder, file), Type = ScreenshotType.Png });
            recorded[file] = [.. structure];
            File.WriteAllText(StructureFile, JsonSerializer.Serialize(recorded, new JsonSerializerOptions { WriteIndented = true }) + "\n");
            return;
        }

        var how = $"run '{UpdateVariable}=1 dotnet test tests/RemoteCam.E2E.Tests --filter PageQualityTests' and commit docs/images (docs/testing.md)";
        Assert.True(File.Exists(Path.Combine(Folder, file)), $"docs/images/{file} is missing: {how}.");
        Assert.True(recorded.TryGetValue(file, out var then), $"docs/images/pictures.json does not describe {file}: {how}.");
        Assert.True(
            then.SequenceEqual(structure),
            $"docs/images/{file} is out of date: the page now shows [{string.Join(", ", structure)}], the picture [{string.Join(", ", then)}]. To take it again, {how}.");
    }

    private static Dictionary<string, List<string>> Load() =>
        File.Exists(StructureFile)
            ? JsonSerializer.Deserialize<Dictionary<string, List<string>>>(File.ReadAllText(StructureFile)) ?? []
            : [];
}
