Console.WriteLine("RemoteCam benchmarks: see docs/bench.md");
