using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using StackExchange.Redis;

namespace BookingAssignment.Api.Tests.Infrastructure;

/// <summary>One real Redis server of a lock quorum, with the signals a fault test sends it.</summary>
public sealed class RedisNode(string endpoint, int pid)
{
    public string Endpoint { get; } = endpoint;
    public int Pid { get; } = pid;

    /// <summary>SIGSTOP: the socket stays open and nothing answers — a hung server.</summary>
    public Task PauseAsync() => SignalAsync("STOP");

    public Task ResumeAsync() => SignalAsync("CONT");

    public Task KillAsync() => SignalAsync("KILL");

    private async Task SignalAsync(string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", $"-{signal} {Pid}") { UseShellExecute = false })!;
        await kill.WaitForExitAsync();
        if (kill.ExitCode != 0) throw new InvalidOperationException($"kill -{signal} {Pid} failed ({kill.ExitCode}).");
    }

    /// <summary>The node at <paramref name="endpoint"/>, its pid and binary read from INFO server.</summary>
    public static async Task<(RedisNode Node, string Executable)> InspectAsync(string endpoint)
    {
        await using var mux = await ConnectionMultiplexer.ConnectAsync(endpoint + ",allowAdmin=true");
        var info = (await mux.GetServer(endpoint).InfoAsync("server")).SelectMany(g => g).ToDictionary(kv => kv.Key, kv => kv.Value);
        return (new RedisNode(endpoint, int.Parse(info["process_id"], System.Globalization.CultureInfo.InvariantCulture)), info["executable"]);
    }
}

/// <summary>
/// Redis servers for the RedLock quorum tests: the three that <c>scripts/test.sh</c> starts
/// (<c>TEST_REDIS_QUORUM</c>; a hang is undone with SIGCONT), or private ones a test may kill.
/// </summary>
public sealed class RedisNodes : IAsyncDisposable
{
    public const string QuorumVariable = "TEST_REDIS_QUORUM";
    private readonly List<Process> _started = [];

    private RedisNodes(IReadOnlyList<RedisNode> nodes) => Nodes = nodes;

    public IReadOnlyList<RedisNode> Nodes { get; }

    /// <summary>The shared quorum of scripts/test.sh. Fails loudly when it is not there.</summary>
    public static async Task<RedisNodes> SharedQuorumAsync()
    {
        var endpoints = Environment.GetEnvironmentVariable(QuorumVariable)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
        if (endpoints.Length < 3)
            throw new InvalidOperationException($"{QuorumVariable} must name three Redis servers (host:port,host:port,host:port): run the tests with scripts/test.sh.");
        var nodes = new List<RedisNode>();
        foreach (var e in endpoints) nodes.Add((await RedisNode.InspectAsync(e)).Node);
        return new RedisNodes(nodes);
    }

    /// <summary>Three private servers from the same binary as the shared quorum, stopped on dispose.</summary>
    public static async Task<RedisNodes> StartPrivateAsync(int count = 3)
    {
        await using var shared = await SharedQuorumAsync();
        var (_, executable) = await RedisNode.InspectAsync(shared.Nodes[0].Endpoint);
        var nodes = new List<RedisNode>();
        var result = new RedisNodes(nodes);
        for (var i = 0; i < count; i++)
        {
            var port = FreePort();
            var process = Process.Start(new ProcessStartInfo(executable, $"--port {port} --bind 127.0.0.1 --save \"\" --appendonly no --protected-mode no")
            {
                UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true,
            })!;
            process.OutputDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            result._started.Add(process);
            var endpoint = $"127.0.0.1:{port}";
            await Eventually.UntilAsync(async () => await PingsAsync(endpoint), ok => ok, $"private Redis on {endpoint}");
            nodes.Add(new RedisNode(endpoint, process.Id));
        }
        return result;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in Nodes) { try { await node.ResumeAsync(); } catch (InvalidOperationException) { } }
        foreach (var p in _started)
        {
            if (!p.HasExited) { p.Kill(); await p.WaitForExitAsync(); }
            p.Dispose();
        }
    }


    private static async Task<bool> PingsAsync(string endpoint)
    {
        try
        {
            await using var mux = await ConnectionMultiplexer.ConnectAsync(endpoint + ",connectTimeout=500,abortConnect=false");
            return mux.IsConnected && await mux.GetDatabase().PingAsync() < TimeSpan.FromSeconds(5);
        }
        catch (RedisException) { return false; }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
