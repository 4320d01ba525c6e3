using System.Globalization;
using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace RemoteCam.Bench;

/// <summary>
/// Bytes per camera-day of presence, on the wire (through a counting proxy), for the two ways a camera page can say
/// it is online: a REST heartbeat (<c>PUT</c> of its presence with <c>?auth=</c> every 30 s over a kept-alive
/// HTTP/1.1 connection, browser-like headers) and a WebSocket session (handshake, <c>auth</c>, an onDisconnect
/// that marks it offline, one presence write, then idle: the SDK's keep-alive <c>"0"</c> after 45 s of silence and
/// the relay's pings every 5 s). Both are watched for the same time and extrapolated to 24 h; token refreshes
/// (hourly, the same for both) are left out.
/// </summary>
internal static class PresenceBenchmark
{
    private const int HeartbeatSeconds = 30;
    private const int KeepAliveSeconds = 45;
    private const string UserAgent = "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36";

    public static async Task<int> RunAsync(BenchOptions o)
    {
        await using RelayTarget relay = await RelayTarget.StartAsync();
        Uri baseUri = new(relay.BaseUrl);
        IPEndPoint target = new(IPAddress.Loopback, baseUri.Port);
        string token = await SignUpAsync(relay.BaseUrl);
        string path = "rooms/bench/cameras/cam";
        string presence = """{"name":"Kitchen phone","online":true,"lastSeen":{".sv":"timestamp"},"battery":{"level":0.81,"charging":false}}""";
        TimeSpan watch = TimeSpan.FromSeconds(o.PresenceSeconds);
        Console.Out.WriteLine($"RemoteCam.Bench presence: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, watching each transport for {watch.TotalSeconds:F0} s, load average {Report.LoadAverage()}");

        await using CountingProxy restProxy = new(target);
        await using CountingProxy wsProxy = new(target);
        Task<int> rest = RestAsync(restProxy.Port, path, token, presence, watch);
        Task<(long SetupUp, long SetupDown)> ws = WebSocketAsync(wsProxy, path, token, presence, watch);
        int beats = await rest;
        (long setupUp, long setupDown) = await ws;

        double day = 86_400;
        double restPerBeat = (restProxy.Up + restProxy.Down) / (double)beats;
        double restDay = restPerBeat * (day / HeartbeatSeconds);
        double wsIdlePerSecond = (wsProxy.Up + wsProxy.Down - setupUp - setupDown) / watch.TotalSeconds;
        double wsDay = setupUp + setupDown + (wsIdlePerSecond * day);
        Console.Out.WriteLine($"REST heartbeat: {beats} PUTs, {restProxy.Up} B up + {restProxy.Down} B down = {restPerBeat:F0} B per beat");
        Console.Out.WriteLine($"WebSocket: setup {setupUp} B up + {setupDown} B down; idle {wsIdlePerSecond:F1} B/s (pings every 5 s, keep-alive every {KeepAliveSeconds} s)");
        Console.Out.WriteLine();
        Console.Out.WriteLine($"{"bytes per camera-day of presence",-40} {"REST 30 s",12} {"WebSocket",12} {"ratio",8}");
        Console.Out.WriteLine(new string('-', 76));
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"total (KiB)",-40} {restDay / 1024,12:F0} {wsDay / 1024,12:F0} {wsDay / restDay,7:F2}x"));
        return 0;
    }

    private static async Task<string> SignUpAsync(string baseUrl)
    {
        using HttpClient http = Http.CreateClient();
        using StringContent body = new("""{"returnSecureToken":true}""", Encoding.UTF8, "application/json");
        using HttpResponseMessage response = await http.PostAsync($"{baseUrl}/identitytoolkit.googleapis.com/v1/accounts:signUp?key=bench", body);
        using JsonDocument json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("idToken").GetString()!;
    }

    /// <summary>The camera page's heartbeat: PUT presence every 30 s, as a browser's fetch sends it.</summary>
    private static async Task<int> RestAsync(int port, string path, string token, string presence, TimeSpan watch)
    {
        using HttpClient http = Http.CreateClient();
        int beats = 0;
        DateTime end = DateTime.UtcNow + watch;
        while (true)
        {
            using HttpRequestMessage request = new(HttpMethod.Put, $"http://127.0.0.1:{port}/{path}.json?auth={token}")
            {
                Content = new StringContent(presence, Encoding.UTF8, "text/plain"),
            };
            request.Headers.TryAddWithoutValidation("User-Agent", UserAgent);
            request.Headers.TryAddWithoutValidation("Accept", "*/*");
            request.Headers.TryAddWithoutValidation("Accept-Encoding", "gzip, deflate, br");
            request.Headers.TryAddWithoutValidation("Accept-Language", "en-US,en;q=0.9");
            request.Headers.TryAddWithoutValidation("Origin", $"http://127.0.0.1:{port}");
            request.Headers.TryAddWithoutValidation("Sec-Fetch-Site", "same-origin");
            request.Headers.TryAddWithoutValidation("Sec-Fetch-Mode", "cors");
            request.Headers.TryAddWithoutValidation("Sec-Fetch-Dest", "empty");
            using HttpResponseMessage response = await http.SendAsync(request);
            await response.Content.ReadAsByteArrayAsync();
            beats++;
            TimeSpan left = end - DateTime.UtcNow;
            if (left < TimeSpan.FromSeconds(HeartbeatSeconds))
            {
                return beats;
            }

            await Task.Delay(TimeSpan.FromSeconds(HeartbeatSeconds));
        }
    }

    /// <summary>A camera over /.ws: set-up, then idle for <paramref name="watch"/> answering the relay's pings.</summary>
    private static async Task<(long, long)> WebSocketAsync(CountingProxy proxy, string path, string token, string presence, TimeSpan watch)
    {
        using ClientWebSocket socket = new();
        socket.Options.KeepAliveInterval = TimeSpan.Zero; // a browser never pings on its own
        socket.Options.SetRequestHeader("User-Agent", UserAgent);
        socket.Options.SetRequestHeader("Origin", $"http://127.0.0.1:{proxy.Port}");
        socket.Options.SetRequestHeader("Accept-Language", "en-US,en;q=0.9");
        await socket.ConnectAsync(new Uri($"ws://127.0.0.1:{proxy.Port}/.ws?v=5&ns=remotecam"), CancellationToken.None);
        using CancellationTokenSource done = new(watch + TimeSpan.FromSeconds(10));
        int answers = 0;
        TaskCompletionSource setUp = new(TaskCreationOptions.RunContinuationsAsynchronously);
        Task reading = Task.Run(async () =>
        {
            byte[] buffer = new byte[16 * 1024];
            try
            {
                while (true)
                {
                    WebSocketReceiveResult result = await socket.ReceiveAsync(buffer, done.Token);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        return;
                    }

                    if (result.EndOfMessage && Encoding.UTF8.GetString(buffer, 0, result.Count).Contains("\"r\":", StringComparison.Ordinal) && ++answers == 3)
                    {
                        setUp.TrySetResult();
                    }
                }
            }
            catch (Exception e) when (e is OperationCanceledException or WebSocketException)
            {
                // the watch is over
            }
        });

        async Task SendAsync(string message) =>
            await socket.SendAsync(Encoding.UTF8.GetBytes(message), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);

        await SendAsync($$$$$$"""{"t":"d","d":{"r":1,"a":"auth","b":{"cred":"{{{{{{token}}}}}}"}}}""");
        await SendAsync($$$$$$"""{"t":"d","d":{"r":2,"a":"o","b":{"p":"/{{{{{{path}}}}}}","d":{"name":"Kitchen phone","online":false,"lastSeen":{".sv":"timestamp"}}}}}""");
        await SendAsync($$$$$$"""{"t":"d","d":{"r":3,"a":"p","b":{"p":"/{{{{{{path}}}}}}","d":{{{{{{presence}}}}}}}}}""");
        await setUp.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await Task.Delay(200);
        (long setupUp, long setupDown) = (proxy.Up, proxy.Down);
        DateTime end = DateTime.UtcNow + watch;
        while (DateTime.UtcNow + TimeSpan.FromSeconds(KeepAliveSeconds) <= end)
        {
            await Task.Delay(TimeSpan.FromSeconds(KeepAliveSeconds));
            await SendAsync("0");
        }

        TimeSpan rest = end - DateTime.UtcNow;
        if (rest > TimeSpan.Zero)
        {
            await Task.Delay(rest);
        }

        await done.CancelAsync();
        await reading;
        return (setupUp, setupDown);
    }
}
