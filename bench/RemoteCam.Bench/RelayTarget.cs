using System.Diagnostics;
using System.Net.Http.Headers;

namespace RemoteCam.Bench;

/// <summary>
/// The relay under test, hosted in a child process (<c>RemoteCam.Bench host-relay</c>) so that, like nginx, it does
/// not share a runtime, thread pool or GC with the load generator. Data lives in a fresh temporary directory.
/// </summary>
internal sealed class RelayTarget : IBenchTarget
{
    private static readonly AuthenticationHeaderValue s_owner = new("Bearer", "owner");
    private readonly Process _process;
    private readonly string _dataDirectory;
    private readonly string _baseUrl;

    private RelayTarget(Process process, string dataDirectory, string baseUrl, bool overWebSocket)
    {
        _process = process;
        _dataDirectory = dataDirectory;
        _baseUrl = baseUrl.TrimEnd('/');
        OverWebSocket = overWebSocket;
    }

    /// <summary>"relay" (listeners are SSE streams) or "relay-ws" (listeners are listens over <c>/.ws</c>; writes stay REST PUTs).</summary>
    public string Name => OverWebSocket ? "relay-ws" : "relay";

    public bool OverWebSocket { get; }

    /// <summary>The relay's realtime endpoint, as the SDKs open it.</summary>
    public Uri WebSocketUri => new(_baseUrl.Replace("http://", "ws://", StringComparison.Ordinal) + "/.ws?v=5&ns=remotecam");

    /// <summary>The relay's base URL, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public string BaseUrl => _baseUrl;

    /// <summary>The relay's data directory (its keys are in <c>.auth</c>).</summary>
    public string DataDirectory => _dataDirectory;

    /// <summary>Whether the relay's process is still running.</summary>
    public bool IsRunning => !_process.HasExited;

    public bool ReadyOnHeaders => false;

    public IReadOnlyList<int> MemoryProcessIds() => [_process.Id];

    public HttpRequestMessage CreateSubscribe(string channel)
    {
        HttpRequestMessage request = new(HttpMethod.Get, $"{_baseUrl}/{channel}.json");
        request.Headers.Accept.ParseAdd("text/event-stream");
        request.Headers.Authorization = s_owner;
        return request;
    }

    public HttpRequestMessage CreatePublish(string channel, byte[] payload)
    {
        HttpRequestMessage request = new(HttpMethod.Put, $"{_baseUrl}/{channel}.json")
        {
            Content = new ByteArrayContent(payload),
        };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.Authorization = s_owner;
        return request;
    }

    public static async Task<RelayTarget> StartAsync(bool overWebSocket = false)
    {
        string dataDirectory = Directory.CreateTempSubdirectory("remotecam-bench-relay-").FullName;
        ProcessStartInfo start = SelfStartInfo();
        // Port 0: the relay binds a free port itself and reports its URL on the READY line.
        foreach (string arg in new[] { "host-relay", "--port", "0", "--data", dataDirectory })
        {
            start.ArgumentList.Add(arg);
        }

        // The relay runs with the product's runtime settings, not the load generator's GC tuning (see bench/run.sh).
        start.Environment.Remove("DOTNET_GCgen0size");
        start.Environment.Remove("DOTNET_gcServer");
        start.RedirectStandardInput = true;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        Process process = Process.Start(start) ?? throw new InvalidOperationException("could not start the relay host");
        List<string> errors = [];
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (errors)
                {
                    errors.Add(e.Data);
                }
            }
        };
        process.BeginErrorReadLine();

        using CancellationTokenSource timeout = new(TimeSpan.FromSeconds(60));
        try
        {
            while (true)
            {
                string? line = await process.StandardOutput.ReadLineAsync(timeout.Token);
                if (line is null)
                {
                    await process.WaitForExitAsync(timeout.Token);
                    string detail;
                    lock (errors)
                    {
                        detail = string.Join('\n', errors.TakeLast(15));
                    }

                    throw new BenchPrerequisiteException($"relay host exited ({process.ExitCode}) before it was ready: {detail}");
                }

                if (line.StartsWith("READY ", StringComparison.Ordinal))
                {
                    // Keep draining stdout so the child never blocks on a full pipe.
                    _ = DrainAsync(process.StandardOutput);
                    return new RelayTarget(process, dataDirectory, line["READY ".Length..].Trim(), overWebSocket);
                }
            }
        }
        catch
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            process.Dispose();
            throw;
        }
    }

    /// <summary>How to run this same program again: the apphost, or <c>dotnet RemoteCam.Bench.dll</c>.</summary>
    private static ProcessStartInfo SelfStartInfo()
    {
        string processPath = Environment.ProcessPath ?? throw new InvalidOperationException("unknown process path");
        ProcessStartInfo start = new(processPath);
        if (Path.GetFileNameWithoutExtension(processPath) == "dotnet")
        {
            start.ArgumentList.Add(typeof(RelayTarget).Assembly.Location);
        }

        return start;
    }

    private static async Task DrainAsync(StreamReader reader)
    {
        try
        {
            while (await reader.ReadLineAsync() is not null)
            {
            }
        }
        catch (IOException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.StandardInput.Close(); // host-relay stops when its stdin closes
            using CancellationTokenSource timeout = new(TimeSpan.FromSeconds(15));
            try
            {
                await _process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
