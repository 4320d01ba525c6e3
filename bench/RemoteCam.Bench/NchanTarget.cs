using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace RemoteCam.Bench;

/// <summary>
/// The reference: nginx with the nchan module, run in the foreground (<c>daemon off</c>, master + workers) from a
/// configuration written into a fresh temporary prefix, listening on a free port of 127.0.0.1.
/// </summary>
internal sealed class NchanTarget : IBenchTarget
{
    private readonly Process _master;
    private readonly string _prefix;
    private readonly Uri _baseUri;

    private NchanTarget(Process master, string prefix, int port)
    {
        _master = master;
        _prefix = prefix;
        _baseUri = new Uri($"http://127.0.0.1:{port}/");
    }

    public string Name => "nchan";

    public bool ReadyOnHeaders => true;

    public IReadOnlyList<int> MemoryProcessIds() => ProcessUtil.ChildrenOf(_master.Id);

    public HttpRequestMessage CreateSubscribe(string channel)
    {
        HttpRequestMessage request = new(HttpMethod.Get, new Uri(_baseUri, "sub/" + ChannelId(channel)));
        request.Headers.Accept.ParseAdd("text/event-stream");
        return request;
    }

    public HttpRequestMessage CreatePublish(string channel, byte[] payload)
    {
        HttpRequestMessage request = new(HttpMethod.Post, new Uri(_baseUri, "pub/" + ChannelId(channel)))
        {
            Content = new ByteArrayContent(payload),
        };
        request.Content.Headers.ContentType = new("application/json");
        return request;
    }

    private static string ChannelId(string channel) => channel.Replace('/', '-');

    public static async Task<NchanTarget> StartAsync(BenchOptions options)
    {
        NginxInstall install = NginxInstall.Locate(options);
        string prefix = Directory.CreateTempSubdirectory("remotecam-bench-nginx-").FullName;
        int port = ProcessUtil.FreePort();
        string config = Path.Combine(prefix, "nginx.conf");
        await File.WriteAllTextAsync(config, BuildConfig(install, prefix, port, options.NginxWorkers));

        ProcessStartInfo start = new(install.Binary)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (string arg in new[] { "-p", prefix + "/", "-c", config, "-e", Path.Combine(prefix, "error.log") })
        {
            start.ArgumentList.Add(arg);
        }

        Process master = Process.Start(start) ?? throw new InvalidOperationException("could not start nginx");
        master.OutputDataReceived += static (_, _) => { };
        master.ErrorDataReceived += static (_, _) => { };
        master.BeginOutputReadLine();
        master.BeginErrorReadLine();
        NchanTarget target = new(master, prefix, port);
        try
        {
            await ProcessUtil.WaitForPortAsync(port, TimeSpan.FromSeconds(10), () => master.HasExited);
            if (master.HasExited)
            {
                throw new InvalidOperationException("nginx exited at start: " + target.ErrorLogTail());
            }

            DateTime deadline = DateTime.UtcNow.AddSeconds(5);
            while (target.MemoryProcessIds().Count == 0 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }
        catch
        {
            await target.DisposeAsync();
            throw;
        }

        return target;
    }

    internal static string BuildConfig(NginxInstall install, string prefix, int port, string workers)
    {
        StringBuilder b = new();
        b.AppendLine("# Written by RemoteCam.Bench; nchan reference for the relay benchmarks.");
        if (install.NchanModule is not null)
        {
            b.AppendLine(CultureInfo.InvariantCulture, $"load_module {install.NchanModule};");
        }

        b.AppendLine("daemon off;");
        b.AppendLine("master_process on;");
        b.AppendLine(CultureInfo.InvariantCulture, $"worker_processes {workers};");
        b.AppendLine("worker_rlimit_nofile 65536;");
        b.AppendLine(CultureInfo.InvariantCulture, $"pid {prefix}/nginx.pid;");
        b.AppendLine(CultureInfo.InvariantCulture, $"error_log {prefix}/error.log warn;");
        b.AppendLine("events { worker_connections 16384; multi_accept on; }");
        b.AppendLine("http {");
        b.AppendLine("  access_log off;");
        foreach (string temp in new[] { "client_body", "proxy", "fastcgi", "uwsgi", "scgi" })
        {
            b.AppendLine(CultureInfo.InvariantCulture, $"  {temp}_temp_path {prefix}/{temp}_temp;");
        }

        b.AppendLine("  keepalive_timeout 600s;");
        b.AppendLine("  keepalive_requests 10000000;");
        // No message may be dropped: plenty of shared memory for the message store, a buffer far longer
        // than any backlog a subscriber could have, and messages kept well past the run's length.
        b.AppendLine("  nchan_max_reserved_memory 512M;");
        b.AppendLine("  nchan_message_buffer_length 200;");
        b.AppendLine("  nchan_message_timeout 10m;");
        b.AppendLine("  server {");
        b.AppendLine(CultureInfo.InvariantCulture, $"    listen 127.0.0.1:{port} backlog=4096;");
        b.AppendLine("    location ~ ^/pub/([A-Za-z0-9_-]+)$ {");
        b.AppendLine("      nchan_publisher;");
        b.AppendLine("      nchan_channel_id $1;");
        b.AppendLine("    }");
        b.AppendLine("    location ~ ^/sub/([A-Za-z0-9_-]+)$ {");
        b.AppendLine("      nchan_subscriber eventsource;");
        b.AppendLine("      nchan_channel_id $1;");
        b.AppendLine("      nchan_subscriber_first_message newest;");
        b.AppendLine("    }");
        b.AppendLine("  }");
        b.AppendLine("}");
        return b.ToString();
    }

    private string ErrorLogTail()
    {
        string log = Path.Combine(_prefix, "error.log");
        return File.Exists(log) ? string.Join('\n', File.ReadLines(log).TakeLast(10)) : "(no error log)";
    }

    public async ValueTask DisposeAsync()
    {
        if (!_master.HasExited)
        {
            // SIGTERM to the master: fast shutdown of the workers too (Process.Kill would orphan them).
            Signals.Terminate(_master.Id);
            using CancellationTokenSource timeout = new(TimeSpan.FromSeconds(10));
            try
            {
                await _master.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                _master.Kill(entireProcessTree: true);
            }
        }

        _master.Dispose();
        try
        {
            Directory.Delete(_prefix, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}

/// <summary>Where nginx and its nchan module are: options, then environment (NGINX, NCHAN_MODULE), then PATH and nginx -V.</summary>
internal sealed record NginxInstall(string Binary, string? NchanModule)
{
    private static readonly string[] s_sbinFallbacks = ["/usr/sbin", "/usr/local/sbin", "/usr/local/nginx/sbin"];

    public static NginxInstall Locate(BenchOptions options)
    {
        string binary = options.Nginx ?? Environment.GetEnvironmentVariable("NGINX") ?? FindOnPath("nginx")
            ?? throw new BenchPrerequisiteException("nginx not found: put it on PATH, set NGINX=/path/to/nginx or pass --nginx (Debian: apt-get install nginx libnginx-mod-nchan)");
        string? module = options.NchanModule ?? Environment.GetEnvironmentVariable("NCHAN_MODULE");
        if (module is not null)
        {
            return File.Exists(module) ? new NginxInstall(binary, module) : throw new BenchPrerequisiteException($"nchan module not found at {module}");
        }

        ProcessStartInfo start = new(binary, "-V") { RedirectStandardError = true, RedirectStandardOutput = true };
        using Process process = Process.Start(start) ?? throw new BenchPrerequisiteException($"cannot run {binary} -V");
        string info = process.StandardError.ReadToEnd() + process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (System.Text.RegularExpressions.Regex.IsMatch(info, @"--add-module=\S*nchan"))
        {
            return new NginxInstall(binary, null); // built in statically
        }

        System.Text.RegularExpressions.Match modulesPath = System.Text.RegularExpressions.Regex.Match(info, @"--modules-path=(\S+)");
        string directory = modulesPath.Success ? modulesPath.Groups[1].Value : Path.Combine(Path.GetDirectoryName(binary)!, "..", "modules");
        string candidate = Path.Combine(directory, "ngx_nchan_module.so");
        return File.Exists(candidate)
            ? new NginxInstall(binary, candidate)
            : throw new BenchPrerequisiteException($"nchan module not found ({candidate}); install it (Debian: apt-get install libnginx-mod-nchan) or set NCHAN_MODULE=/path/to/ngx_nchan_module.so");
    }

    internal static string? FindOnPath(string name)
    {
        IEnumerable<string> directories = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Concat(s_sbinFallbacks);
        return directories.Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);
    }
}

internal sealed class BenchPrerequisiteException(string message) : Exception(message);
