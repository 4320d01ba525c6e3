using System.Globalization;

namespace RemoteCam.Bench;

/// <summary>Command-line options (<c>--name value</c>); see <see cref="Usage"/>.</summary>
internal sealed class BenchOptions
{
    public const string Usage = """
        usage: RemoteCam.Bench <command> [options]

        commands:
          all          memory, latency and writes; prints a summary table with ratios and goals
          latency      write → stream delivery latency: relay over SSE, relay over WebSocket (relay-ws), nchan
          memory       resident memory per idle stream, relay vs nchan
          writes       acknowledged writes per second against the relay
          ttff         watch → first decoded frame: floor, PeerJS and RemoteCam through the relay (headless chromium)
          rules        cost of one security-rules access decision, in process (goal ≤ 10 µs)
          soak         2,000 streams, 1,000 writes/s and a slow consumer in every other window; memory, cut-offs, p99 (exit 1 on FAIL)
          fuzz         generated requests, tokens and rules uploads against the relay: 0 answers 5xx, errors in Firebase's shape
          presence     bytes per camera-day of presence on the wire: REST heartbeat vs WebSocket session
          clips        sealing and opening 256 KiB clip chunks vs copying them; bytes added per chunk and per minute of clip
          storage      clip storage upload/download MB/s through the relay vs a durable file copy on the same disk
          motion       motion detector cost per 160x120 frame vs getImageData; camera page frame rate and CPU with detection+recording on vs off (headless chromium)
          host-relay   run the relay in this process (used by the others): --port N --data DIR [--host H]

        options (defaults in brackets):
          --targets relay,nchan    servers to measure [relay,nchan; latency: relay,relay-ws,nchan; writes: relay; ttff: floor,peerjs,remotecam]
          --calls N                ttff: measured calls per contender, after one warm-up call [20]
          --trace 1                ttff: print the last call's timeline (peer connection events, requests) [0]
          --scan 1                 ttff: from opening a viewer invitation to the first frame, WebSocket vs REST, round trips 0 and --rtt [0]
          --rtt MS                 ttff --scan: round trip the delaying proxy adds between each page and the relay [40]
          --window S               motion: seconds per measured window, 2 off and 2 on [15]
          --inboxes N              inbox streams, one per inbox channel [2000]
          --shared-streams N       streams on the one shared channel [100]
          --rate N                 writes per second in the latency test [1000]
          --shared-fraction F      fraction of writes to the shared channel [0.01]
          --warmup S               latency warm-up seconds, not measured [5]
          --duration S             latency measured seconds [20]
          --drain S                max seconds to wait for late deliveries [5]
          --idle-streams N         idle streams in the memory test [2000]
          --settle S               seconds to let memory settle [3]
          --writers 1,16,64        concurrent writers for the writes test [1,16,64]
          --write-seconds S        seconds per writer count [3]
          --nginx-workers N|auto   nginx worker_processes [1]
          --nginx PATH             nginx binary [$NGINX, else PATH]
          --nchan-module PATH      ngx_nchan_module.so [$NCHAN_MODULE, else nginx's modules path]
          --long                   fuzz: 100,000 requests; soak: 10 minutes (the figures of docs/bench.md) [short: as CI]
          --requests N             fuzz: requests to send [5000; 100000 with --long]
          --seed N                 fuzz: the generator's seed [$RELAY_FUZZ_SEED, else 20261124]
          --presence-seconds S     presence: seconds each transport is watched [90]
        """;

    public string Command { get; private set; } = "all";

    public IReadOnlyList<string>? Targets { get; private set; }

    public int Inboxes { get; private set; } = 2000;

    public int Calls { get; private set; } = 20;

    public bool Trace { get; private set; }

    public bool Scan { get; private set; }

    public double RttMs { get; private set; } = 40;

    public double WindowSeconds { get; private set; } = 15;

    public int SharedStreams { get; private set; } = 100;

    public double Rate { get; private set; } = 1000;

    public double SharedFraction { get; private set; } = 0.01;

    public double WarmupSeconds { get; private set; } = 5;

    public double DurationSeconds { get; private set; } = 20;

    public double DrainSeconds { get; private set; } = 5;

    public int IdleStreams { get; private set; } = 2000;

    public double SettleSeconds { get; private set; } = 3;

    public IReadOnlyList<int> Writers { get; private set; } = [1, 16, 64];

    public double WriteSeconds { get; private set; } = 3;

    public string NginxWorkers { get; private set; } = "1";

    public string? Nginx { get; private set; }

    public string? NchanModule { get; private set; }

    public bool Long { get; private set; }

    public int? Requests { get; private set; }

    public int? Seed { get; private set; }

    public string Host { get; private set; } = "127.0.0.1";

    public int Port { get; private set; } = 9000;

    public string? DataDirectory { get; private set; }

    /// <summary>How long the presence benchmark watches each transport's idle camera (seconds).</summary>
    public double PresenceSeconds { get; private set; } = 90;

    public IReadOnlyList<string> TargetsFor(string command) => Targets ?? command switch
    {
        "writes" => ["relay"],
        "latency" => ["relay", "relay-ws", "nchan"],
        "ttff" => ["floor", "peerjs", "remotecam"],
        _ => ["relay", "nchan"],
    };

    public static BenchOptions Parse(string[] args)
    {
        BenchOptions o = new();
        int i = 0;
        if (args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal))
        {
            o.Command = args[0];
            i = 1;
        }

        for (; i < args.Length; i++)
        {
            string name = args[i];
            if (name is "-h" or "--help")
            {
                o.Command = "help";
                continue;
            }

            if (name == "--long")
            {
                o.Long = true;
                continue;
            }

            if (i + 1 >= args.Length)
            {
                throw new ArgumentException($"option {name} needs a value");
            }

            string value = args[++i];
            switch (name)
            {
                case "--targets": o.Targets = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries); break;
                case "--trace": o.Trace = ParseInt(name, value) != 0; break;
                case "--scan": o.Scan = ParseInt(name, value) != 0; break;
                case "--rtt": o.RttMs = ParseDouble(name, value) is >= 0 and var rtt ? rtt : throw new ArgumentException("--rtt: 0 ms or more"); break;
                case "--window": o.WindowSeconds = ParseDouble(name, value) is > 0 and var w ? w : throw new ArgumentException("--window: more than 0 s"); break;
                case "--calls": o.Calls = ParseInt(name, value) is > 0 and var n ? n : throw new ArgumentException("--calls: at least 1"); break;
                case "--inboxes": o.Inboxes = ParseInt(name, value); break;
                case "--shared-streams": o.SharedStreams = ParseInt(name, value); break;
                case "--rate": o.Rate = ParseDouble(name, value); break;
                case "--shared-fraction": o.SharedFraction = ParseDouble(name, value); break;
                case "--warmup": o.WarmupSeconds = ParseDouble(name, value); break;
                case "--duration": o.DurationSeconds = ParseDouble(name, value); break;
                case "--drain": o.DrainSeconds = ParseDouble(name, value); break;
                case "--idle-streams": o.IdleStreams = ParseInt(name, value); break;
                case "--settle": o.SettleSeconds = ParseDouble(name, value); break;
                case "--writers": o.Writers = [.. value.Split(',').Select(v => ParseInt(name, v))]; break;
                case "--write-seconds": o.WriteSeconds = ParseDouble(name, value); break;
                case "--nginx-workers": o.NginxWorkers = value; break;
                case "--nginx": o.Nginx = value; break;
                case "--nchan-module": o.NchanModule = value; break;
                case "--host": o.Host = value; break;
                case "--port": o.Port = ParseInt(name, value); break;
                case "--data": o.DataDirectory = value; break;
                case "--requests": o.Requests = ParseInt(name, value); break;
                case "--seed": o.Seed = ParseInt(name, value); break;
                case "--presence-seconds": o.PresenceSeconds = ParseDouble(name, value) is > 0 and var p ? p : throw new ArgumentException("--presence-seconds: more than 0"); break;
                default: throw new ArgumentException($"unknown option {name}");
            }
        }

        return o;
    }

    private static int ParseInt(string name, string value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int result) && result >= 0
            ? result
            : throw new ArgumentException($"{name}: not a non-negative integer: {value}");

    private static double ParseDouble(string name, string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double result) && result >= 0
            ? result
            : throw new ArgumentException($"{name}: not a non-negative number: {value}");
}
