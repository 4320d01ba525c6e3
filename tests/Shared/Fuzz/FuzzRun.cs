using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace RemoteCam.Fuzz;

/// <summary>How a fuzz run is set up; the relay runs elsewhere (in the test process or as a child process of the bench).</summary>
internal sealed class FuzzOptions
{
    public required Uri BaseUrl { get; init; }

    public required FuzzTokens Tokens { get; init; }

    public int Requests { get; init; } = 4000;

    public int Seed { get; init; } = 20261124;

    public int Parallelism { get; init; } = 8;

    /// <summary>Whether the relay's process is still there (the bench's child process); null when it runs in this process.</summary>
    public Func<bool>? RelayAlive { get; init; }

    /// <summary>Progress lines (every tenth of the run), or null.</summary>
    public TextWriter? Progress { get; init; }
}

/// <summary>What a fuzz run found. <see cref="Passed"/> is the verdict; the rest is for the report.</summary>
internal sealed record FuzzReport(
    int Sent,
    int Unsendable,
    TimeSpan Elapsed,
    IReadOnlyDictionary<int, int> Statuses,
    IReadOnlyDictionary<string, int> Kinds,
    int FailureCount,
    IReadOnlyList<string> Failures,
    IReadOnlyDictionary<string, int> RulesOutcomes,
    string? Afterwards)
{
    public int ServerErrors => Statuses.Where(s => s.Key >= 500).Sum(s => s.Value);

    public bool Passed => FailureCount == 0 && Afterwards is null;

    public string Summary(int seed) => string.Join('\n',
        $"fuzz seed {seed}: {Sent:N0} requests in {Elapsed.TotalSeconds:0.0} s ({Sent / Math.Max(Elapsed.TotalSeconds, 0.001):N0}/s), {Unsendable} not expressible as a URL",
        "  statuses: " + string.Join(", ", Statuses.OrderBy(p => p.Key).Select(p => $"{p.Key}×{p.Value:N0}")),
        "  kinds: " + string.Join(", ", Kinds.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}×{p.Value:N0}")),
        "  rules uploads: " + string.Join(", ", RulesOutcomes.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}×{p.Value:N0}")),
        $"  5xx: {ServerErrors}; bad answers: {FailureCount}; afterwards: {Afterwards ?? "the relay is up, a stream opened before still delivers, a write reads back"}",
        FailureCount == 0 ? "" : "  first bad answers (rerun with the same seed):\n  " + string.Join("\n  ", Failures));
}

/// <summary>
/// Sends generated requests to a relay in parallel and checks every answer: never a 5xx, every
/// error as <c>{"error": "…"}</c> JSON, the known answer where the request has one (tokens), and
/// for rules uploads (one at a time, as admin or not) that a refused text leaves the rules in
/// force and an accepted one replaces them. Afterwards the relay must still be up, a stream opened
/// before the run must still deliver, and a write must read back. Request <c>i</c> is generated
/// from (seed, i) alone, so a failure is reproducible and nothing is held in memory.
/// </summary>
internal static class FuzzRun
{
    private const int KeptFailures = 20;

    public static async Task<FuzzReport> RunAsync(FuzzOptions options, CancellationToken cancellationToken = default)
    {
        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = Timeout.InfiniteTimeSpan })
        {
            Timeout = TimeSpan.FromSeconds(60),
        };
        var baseUrl = options.BaseUrl.ToString().TrimEnd('/');
        var run = new State(options, http, baseUrl);

        await using var watch = await Watcher.OpenAsync(http, baseUrl, cancellationToken);
        var clock = Stopwatch.StartNew();
        var done = 0;
        await Parallel.ForEachAsync(
            Enumerable.Range(0, options.Requests),
            new ParallelOptions { MaxDegreeOfParallelism = options.Parallelism, CancellationToken = cancellationToken },
            async (i, token) =>
            {
                var random = new Random(unchecked((options.Seed * 1_000_003) + i));
                var lane = random.Next(100);
                if (lane < 86)
                {
                    await run.SendAsync(FuzzRequest.Random(random, i, options.Tokens), token);
                }
                else if (lane < 94)
                {
                    await run.SendAsync(FuzzRequest.WithToken(random, i, options.Tokens), token);
                }
                else
                {
                    await run.UploadRulesAsync(random, i, token);
                }

                var count = Interlocked.Increment(ref done);
                if (options.Progress is { } progress && count % Math.Max(1, options.Requests / 10) == 0)
                {
                    progress.WriteLine($"  {count:N0} / {options.Requests:N0} requests, {run.FailureCount} bad answers, {clock.Elapsed.TotalSeconds:0} s");
                }
            });
        clock.Stop();

        var afterwards = await AfterwardsAsync(options, http, baseUrl, watch, cancellationToken);
        return new FuzzReport(
            run.Sent, run.Unsendable, clock.Elapsed, run.Statuses, run.Kinds, run.FailureCount, [.. run.Failures], run.RulesOutcomes, afterwards);
    }

    /// <summary>Null when the relay is fine after the run, else what is wrong.</summary>
    private static async Task<string?> AfterwardsAsync(FuzzOptions options, HttpClient http, string baseUrl, Watcher watch, CancellationToken cancellationToken)
    {
        if (options.RelayAlive?.Invoke() == false)
        {
            return "the relay's process has exited";
        }

        var marker = "marker-" + Guid.NewGuid().ToString("N");
        var path = $"{baseUrl}/after-fuzz/{Guid.NewGuid():N}.json";
        using (var put = await SendAsync(http, "PUT", path, Encoding.UTF8.GetBytes("{\"ok\":true}"), [("Authorization", "Bearer owner")], cancellationToken))
        using (var get = await SendAsync(http, "GET", path, null, [("Authorization", "Bearer owner")], cancellationToken))
        {
            var read = await get.Content.ReadAsStringAsync(cancellationToken);
            if ((int)put.StatusCode != 200 || read != "{\"ok\":true}")
            {
                return $"a write after the run: PUT {(int)put.StatusCode}, read back {(int)get.StatusCode} {read}";
            }
        }

        using (await SendAsync(http, "PUT", $"{baseUrl}/{Watcher.Path}.json", Encoding.UTF8.GetBytes(JsonSerializer.Serialize(marker)), [("Authorization", "Bearer owner")], cancellationToken))
        {
        }

        return await watch.SawAsync(marker, TimeSpan.FromSeconds(30))
            ? null
            : $"the stream opened before the run no longer delivers (it last read: {watch.Last})";
    }

    internal static async Task<HttpResponseMessage> SendAsync(HttpClient http, string method, string url, byte[]? body, IEnumerable<(string Name, string Value)> headers, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), url);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        foreach (var (name, value) in headers)
        {
            if (!request.Headers.TryAddWithoutValidation(name, value))
            {
                request.Content ??= new ByteArrayContent([]);
                request.Content.Headers.Remove(name);
                request.Content.Headers.TryAddWithoutValidation(name, value);
            }
        }

        return await http.SendAsync(request, cancellationToken);
    }

    /// <summary>The counters and the checks, shared by the parallel senders.</summary>
    private sealed class State(FuzzOptions options, HttpClient http, string baseUrl)
    {
        private static readonly string[] Namespaces = ["", "fuzz-a", "fuzz-b"];
        private readonly SemaphoreSlim _rulesGate = new(1, 1);
        private int _sent;
        private int _unsendable;
        private int _failureCount;

        public ConcurrentDictionary<int, int> Statuses { get; } = new();

        public ConcurrentDictionary<string, int> Kinds { get; } = new();

        public ConcurrentDictionary<string, int> RulesOutcomes { get; } = new();

        public ConcurrentQueue<string> Failures { get; } = new();

        public int Sent => _sent;

        public int Unsendable => _unsendable;

        public int FailureCount => Volatile.Read(ref _failureCount);

        public async Task SendAsync(FuzzRequest request, CancellationToken cancellationToken)
        {
            if (!Uri.TryCreate(baseUrl + request.PathAndQuery, UriKind.Absolute, out var url))
            {
                Interlocked.Increment(ref _unsendable); // Not expressible as a URL: no client can send it.
                return;
            }

            var answer = await AnswerAsync(request.Method, url.OriginalString, request.Body, request.Headers, cancellationToken);
            Kinds.AddOrUpdate(request.Kind, 1, (_, n) => n + 1);
            if (answer.Problem is null && request.Expected?.Problem(answer.Status, answer.Error) is { } unexpected)
            {
                answer = answer with { Problem = unexpected };
            }

            if (answer.Problem is not null)
            {
                Fail($"{request}\n    → {answer.Problem}: {answer}");
            }
        }

        /// <summary>One rules upload, with the rules in force read before and after; uploads run one at a time.</summary>
        public async Task UploadRulesAsync(Random random, int index, CancellationToken cancellationToken)
        {
            var (text, verdict) = FuzzRules.Any(random);
            var ns = Namespaces[random.Next(Namespaces.Length)];
            var query = (ns.Length > 0 ? "ns=" + ns : "") + (random.Next(6) == 0 ? (ns.Length > 0 ? "&" : "") + "dryRun=true" : "");
            var url = $"{baseUrl}/.settings/rules.json{(query.Length > 0 ? "?" + query : "")}";
            var readUrl = $"{baseUrl}/.settings/rules.json{(ns.Length > 0 ? "?ns=" + ns : "")}";
            var who = random.Next(10) switch
            {
                0 => "nobody",
                1 => "token",
                _ => "admin",
            };
            var (token, tokenKind) = options.Tokens.Any(random);
            (string, string)[] headers = who switch
            {
                "admin" => [("Authorization", "Bearer owner")],
                "token" when token.All(c => c is >= ' ' and <= '~') => [("Authorization", "Bearer " + token)],
                "token" => [],
                _ => [],
            };
            if (who == "token" && headers.Length == 0)
            {
                who = "nobody";
            }

            var expected = who switch
            {
                "nobody" => new Expectation([401], "Permission denied"),
                "token" => tokenKind switch
                {
                    TokenKind.Valid => new Expectation([401], "Permission denied"),
                    TokenKind.Expired => new Expectation([401], "Auth token is expired"),
                    _ => new Expectation([401], "Could not parse auth token."),
                },
                _ => verdict switch
                {
                    RulesVerdict.Valid => new Expectation([200]),
                    RulesVerdict.Broken => new Expectation([400]),
                    _ => new Expectation([200, 400]),
                },
            };
            var dryRun = query.Contains("dryRun", StringComparison.Ordinal);
            var label = $"#{index} rules upload ({who}{(who == "token" ? " " + tokenKind : "")}, {verdict}{(dryRun ? ", dry run" : "")}, ns '{ns}'): {Shorten(text, 300)}";
            Kinds.AddOrUpdate("rules", 1, (_, n) => n + 1);

            await _rulesGate.WaitAsync(cancellationToken);
            try
            {
                var before = await ReadRulesAsync(readUrl, cancellationToken);
                var answer = await AnswerAsync("PUT", url, Encoding.UTF8.GetBytes(text), headers, cancellationToken);
                var after = await ReadRulesAsync(readUrl, cancellationToken);
                var problem = answer.Problem ?? expected.Problem(answer.Status, answer.Error);
                if (problem is null && answer.Status == 200 && answer.Body != "{\"status\":\"ok\"}")
                {
                    problem = "success without {\"status\":\"ok\"}";
                }

                if (problem is null && answer.Status == 400 && !(answer.Error!.StartsWith("Error saving rules - Line ", StringComparison.Ordinal)
                    || answer.Error.StartsWith("Rules files can be at most", StringComparison.Ordinal)))
                {
                    problem = "a refused rules text without Firebase's \"Error saving rules - Line N: …\"";
                }

                var replaced = answer.Status == 200 && who == "admin" && !dryRun;
                if (problem is null && before is null)
                {
                    problem = "the rules in force could not be read before the upload";
                }
                else if (problem is null && after != (replaced ? text : before))
                {
                    problem = replaced
                        ? $"accepted, but the rules in force are now {Shorten(after, 200)}"
                        : $"not accepted, yet the rules in force changed to {Shorten(after, 200)}";
                }

                RulesOutcomes.AddOrUpdate($"{who} {(answer.Status == 200 ? dryRun ? "checked" : "accepted" : "refused")}", 1, (_, n) => n + 1);
                if (problem is not null)
                {
                    Fail($"{label}\n    → {problem}: {answer}");
                }
            }
            finally
            {
                _rulesGate.Release();
            }
        }

        private async Task<string?> ReadRulesAsync(string url, CancellationToken cancellationToken)
        {
            var answer = await AnswerAsync("GET", url, null, [("Authorization", "Bearer owner")], cancellationToken);
            return answer.Status == 200 ? answer.Body : null;
        }

        /// <summary>Sends and applies the checks every answer must pass.</summary>
        private async Task<Answer> AnswerAsync(string method, string url, byte[]? body, IEnumerable<(string Name, string Value)> headers, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _sent);
            HttpResponseMessage response;
            try
            {
                response = await FuzzRun.SendAsync(http, method, url, body, headers, cancellationToken);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                Statuses.AddOrUpdate(0, 1, (_, n) => n + 1);
                return new Answer(0, null, "", "", $"no answer ({e.GetType().Name}: {e.Message})");
            }

            using (response)
            {
                var status = (int)response.StatusCode;
                Statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
                var text = await response.Content.ReadAsStringAsync(cancellationToken);
                var type = response.Content.Headers.ContentType?.MediaType ?? "";
                var error = ErrorOf(text);
                string? problem = null;
                if (status >= 500)
                {
                    problem = "server error";
                }
                else if (status is < 200 or >= 300 && method != "HEAD" && status != 412)
                {
                    problem = !type.Equals("application/json", StringComparison.OrdinalIgnoreCase) ? "error without a JSON content type"
                        : error is null ? "error body is not {\"error\": \"…\"}"
                        : null;
                }

                return new Answer(status, error, type, text, problem);
            }
        }

        private void Fail(string description)
        {
            if (Interlocked.Increment(ref _failureCount) <= KeptFailures)
            {
                Failures.Enqueue(description);
            }
        }

        private static string? ErrorOf(string body)
        {
            try
            {
                using var document = JsonDocument.Parse(body);
                return document.RootElement.ValueKind == JsonValueKind.Object
                    && document.RootElement.TryGetProperty("error", out var error)
                    && error.ValueKind == JsonValueKind.String
                    && error.GetString() is { Length: > 0 } message
                    ? message
                    : null;
            }
            catch (JsonException)
            {
                return null;
            }
        }
    }

    private sealed record Answer(int Status, string? Error, string ContentType, string Body, string? Problem)
    {
        public override string ToString() => $"{Status} {ContentType} {Shorten(Body, 300)}";
    }

    private static string Shorten(string? text, int length) =>
        text is null ? "(nothing)" : text.Length > length ? text[..length] + "…" : text;

    /// <summary>An event stream opened as admin before the run; it must still deliver after it.</summary>
    private sealed class Watcher : IAsyncDisposable
    {
        public const string Path = "fuzz-watch/stream";
        private readonly HttpResponseMessage _response;
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _reading;
        private readonly ConcurrentQueue<string> _seen = new();
        private volatile string _last = "";

        private Watcher(HttpResponseMessage response, Stream body)
        {
            _response = response;
            _reading = Task.Run(async () =>
            {
                using var reader = new StreamReader(body);
                try
                {
                    while (await reader.ReadLineAsync(_stop.Token) is { } line)
                    {
                        if (line.StartsWith("data: ", StringComparison.Ordinal))
                        {
                            _last = line;
                            _seen.Enqueue(line);
                        }
                    }
                }
                catch (Exception e) when (e is OperationCanceledException or IOException or HttpRequestException)
                {
                    _last += $" (then the stream ended: {e.GetType().Name})";
                }
            });
        }

        public string Last => _last;

        public static async Task<Watcher> OpenAsync(HttpClient http, string baseUrl, CancellationToken cancellationToken)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"{baseUrl}/{Path}.json?auth=owner");
            request.Headers.Accept.ParseAdd("text/event-stream");
            var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if ((int)response.StatusCode != 200)
            {
                response.Dispose();
                throw new InvalidOperationException($"the watch stream could not be opened: {(int)response.StatusCode}");
            }

            return new Watcher(response, await response.Content.ReadAsStreamAsync(cancellationToken));
        }

        public async Task<bool> SawAsync(string marker, TimeSpan within)
        {
            var deadline = Stopwatch.StartNew();
            while (deadline.Elapsed < within)
            {
                if (_seen.Any(line => line.Contains(marker, StringComparison.Ordinal)))
                {
                    return true;
                }

                if (_reading.IsCompleted)
                {
                    return false;
                }

                await Task.Delay(50);
            }

            return false;
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _response.Dispose();
            try
            {
                await _reading;
            }
            catch (Exception e) when (e is OperationCanceledException or IOException)
            {
            }

            _stop.Dispose();
        }
    }
}

/// <summary>The seed a run uses: <c>RELAY_FUZZ_SEED</c> when set, else the fixed one.</summary>
internal static class FuzzSeed
{
    public const int Default = 20261124;

    public static int FromEnvironment() =>
        int.TryParse(Environment.GetEnvironmentVariable("RELAY_FUZZ_SEED"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var seed) ? seed : Default;
}
