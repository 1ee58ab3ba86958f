using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace BookingAssignment.Api.Tests.Infrastructure;

/// <summary>
/// The built API serving HTTP as a child process on a free loopback port, with its console
/// output captured — for tests about what operators see in the logs.
/// </summary>
public sealed class ApiServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private int _disposed;

    private ApiServerProcess(Process process, Uri url)
    {
        _process = process;
        Url = url;
    }

    public Uri Url { get; }

    public string Output { get { lock (_output) return _output.ToString(); } }

    /// <summary>Starts the API with <paramref name="environment"/> (see <see cref="ApiProcess.ValidEnvironment"/>) and waits until /health/ready answers.</summary>
    public static async Task<ApiServerProcess> StartAsync(IReadOnlyDictionary<string, string> environment, TimeSpan timeout)
    {
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(ApiProcess.ApiDll);
        foreach (var key in start.Environment.Keys.ToArray())
            if (key.StartsWith("FEATURE_", StringComparison.OrdinalIgnoreCase) || key.StartsWith("ConnectionStrings__", StringComparison.OrdinalIgnoreCase)
                || key.StartsWith("Auth__", StringComparison.OrdinalIgnoreCase) || key.StartsWith("ASPNETCORE_", StringComparison.OrdinalIgnoreCase))
                start.Environment.Remove(key);
        foreach (var (k, v) in environment) start.Environment[k] = v;
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        var server = new ApiServerProcess(new Process { StartInfo = start }, new Uri($"http://127.0.0.1:{port}"));
        server._process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (server._output) server._output.AppendLine(e.Data); };
        server._process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (server._output) server._output.AppendLine(e.Data); };
        server._process.Start();
        server._process.BeginOutputReadLine();
        server._process.BeginErrorReadLine();

        using var http = new HttpClient { BaseAddress = server.Url, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline && !server._process.HasExited)
        {
            try
            {
                if ((await http.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK) return server;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(200);
        }
        var output = server.Output;
        await server.DisposeAsync();
        throw new InvalidOperationException($"The API did not become ready within {timeout}:\n{output}");
    }

    /// <summary>Kills the process (SIGKILL, the whole tree) if it still runs. Safe to call twice.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
