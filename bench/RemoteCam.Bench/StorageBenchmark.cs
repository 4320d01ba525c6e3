using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;

namespace RemoteCam.Bench;

/// <summary>
/// Throughput of the relay's clip storage against a plain file copy on the same disk: objects are
/// uploaded (Cloud Storage JSON API, one-request media uploads, 4 at a time) and downloaded
/// (<c>alt=media</c>), and the reference writes the same bytes to files in the relay's data
/// directory the way the relay must to acknowledge an upload durably (write, fsync, rename, fsync
/// of the directory), then reads them back. Two shapes: sealed clip chunks (262,173 bytes, the
/// largest a 256 KiB chunk seals to) and 16 MiB objects. Also prints the disk bytes per object.
/// </summary>
internal static class StorageBenchmark
{
    private const string Bucket = "demo-remotecam.appspot.com";
    private const int Parallel = 4;

    public static async Task<int> RunAsync()
    {
        await using RelayTarget relay = await RelayTarget.StartAsync();
        Console.Out.WriteLine($"RemoteCam.Bench storage: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, {Parallel} uploads at a time, load average {Report.LoadAverage()}");
        using HttpClient http = Http.CreateClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "owner");
        string reference = Path.Combine(relay.DataDirectory, "reference");
        Directory.CreateDirectory(reference);

        Console.Out.WriteLine();
        Console.Out.WriteLine($"{"MB/s (higher is better)",-34} {"relay",10} {"file copy",10} {"ratio",8}");
        Console.Out.WriteLine(new string('-', 66));
        foreach ((string label, int size, int count) in new[] { ("sealed chunks of 262,173 B", 262_173, 400), ("objects of 16 MiB", 16 * 1024 * 1024, 12) })
        {
            byte[] data = RandomNumberGenerator.GetBytes(size);
            string prefix = $"bench/{size}/";
            double up = await TimeAsync(count, i => UploadAsync(http, relay.BaseUrl, prefix + i, data));
            double refUp = await TimeAsync(count, i => Task.Run(() => DurableWrite(reference, $"{size}-{i}", data)));
            double down = await TimeAsync(count, i => DownloadAsync(http, relay.BaseUrl, prefix + i, size));
            double refDown = await TimeAsync(count, i => Task.Run(() => ReadBack(reference, $"{size}-{i}", size)));
            double megabytes = (double)size * count / 1_000_000;
            Row($"upload, {label}", megabytes / up, megabytes / refUp);
            Row($"download, {label}", megabytes / down, megabytes / refDown);
        }

        long objectBytes = 0, diskBytes = 0;
        foreach (string file in Directory.EnumerateFiles(Path.Combine(relay.DataDirectory, ".storage", "b"), "*.obj", SearchOption.AllDirectories))
        {
            long length = new FileInfo(file).Length;
            diskBytes += length;
            objectBytes += length > 16 * 1024 * 1024 ? 16 * 1024 * 1024 : 262_173;
        }

        int objects = 412;
        Console.Out.WriteLine();
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"disk overhead: {(diskBytes - objectBytes) / (double)objects:F0} bytes per object (metadata trailer), {100.0 * (diskBytes - objectBytes) / objectBytes:F3} % of the bytes stored"));
        Console.Out.WriteLine($"load average at the end: {Report.LoadAverage()}");
        return 0;
    }

    private static void Row(string label, double relay, double copy) =>
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{label,-34} {relay,10:F1} {copy,10:F1} {relay / copy,7:F2}x"));

    /// <summary>Runs <paramref name="count"/> operations, <see cref="Parallel"/> at a time; returns the seconds taken.</summary>
    private static async Task<double> TimeAsync(int count, Func<int, Task> operation)
    {
        int next = -1;
        Stopwatch watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Parallel).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                await operation(i);
            }
        }));
        return watch.Elapsed.TotalSeconds;
    }

    private static async Task UploadAsync(HttpClient http, string baseUrl, string name, byte[] data)
    {
        using ByteArrayContent content = new(data);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using HttpResponseMessage response = await http.PostAsync($"{baseUrl}/upload/storage/v1/b/{Bucket}/o?uploadType=media&name={Uri.EscapeDataString(name)}", content);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"upload of {name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }

    private static async Task DownloadAsync(HttpClient http, string baseUrl, string name, int size)
    {
        using HttpResponseMessage response = await http.GetAsync($"{baseUrl}/storage/v1/b/{Bucket}/o/{Uri.EscapeDataString(name)}?alt=media", HttpCompletionOption.ResponseHeadersRead);
        await using Stream body = await response.Content.ReadAsStreamAsync();
        byte[] buffer = new byte[128 * 1024];
        long total = 0;
        int read;
        while ((read = await body.ReadAsync(buffer)) > 0)
        {
            total += read;
        }

        if (total != size)
        {
            throw new InvalidOperationException($"download of {name}: {total} bytes, expected {size}");
        }
    }

    private static void DurableWrite(string directory, string name, byte[] data)
    {
        string temp = Path.Combine(directory, name + ".tmp");
        using (FileStream file = new(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1))
        {
            file.Write(data);
            file.Flush(flushToDisk: true);
        }

        File.Move(temp, Path.Combine(directory, name), overwrite: true);
        RemoteCam.Relay.Persistence.DirectorySync.Flush(directory);
    }

    private static void ReadBack(string directory, string name, int size)
    {
        using FileStream file = new(Path.Combine(directory, name), FileMode.Open, FileAccess.Read, FileShare.Read, 1);
        byte[] buffer = new byte[128 * 1024];
        long total = 0;
        int read;
        while ((read = file.Read(buffer)) > 0)
        {
            total += read;
        }

        if (total != size)
        {
            throw new InvalidOperationException($"read of {name}: {total} bytes, expected {size}");
        }
    }
}
