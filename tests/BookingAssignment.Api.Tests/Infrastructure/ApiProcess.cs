using System.Diagnostics;
using System.Text;

namespace BookingAssignment.Api.Tests.Infrastructure;

/// <summary>
/// Runs the built API (<c>BookingAssignment.Api.dll</c>, copied beside the tests by the project
/// reference) as a child process, e.g. <c>migrate</c> or a start with bad settings, and collects
/// its exit code and output. Inherited FEATURE_*, ConnectionStrings__* and Auth__* variables are
/// removed so only the given environment counts.
/// </summary>
public static class ApiProcess
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr, bool TimedOut)
    {
        public string[] StderrLines => Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        public override string ToString() => $"exit {ExitCode}{(TimedOut ? " (timed out)" : "")}\n--- stderr ---\n{Stderr}\n--- stdout ---\n{Stdout}";
    }

    public static string ApiDll => Path.Combine(AppContext.BaseDirectory, "BookingAssignment.Api.dll");

    public static async Task<Result> RunAsync(IEnumerable<string> args, IReadOnlyDictionary<string, string> environment, TimeSpan timeout)
    {
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
        var start = new ProcessStartInfo(dotnet)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(ApiDll);
        foreach (var a in args) start.ArgumentList.Add(a);
        foreach (var key in start.Environment.Keys.ToArray())
            if (key.StartsWith("FEATURE_", StringComparison.OrdinalIgnoreCase) || key.StartsWith("ConnectionStrings__", StringComparison.OrdinalIgnoreCase)
                || key.StartsWith("Auth__", StringComparison.OrdinalIgnoreCase) || key.StartsWith("ASPNETCORE_", StringComparison.OrdinalIgnoreCase))
                start.Environment.Remove(key);
        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        start.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (k, v) in environment) start.Environment[k] = v;

        using var process = new Process { StartInfo = start };
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (stdout) stdout.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (stderr) stderr.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var cts = new CancellationTokenSource(timeout);
        var timedOut = false;
        try { await process.WaitForExitAsync(cts.Token); }
        catch (OperationCanceledException)
        {
            timedOut = true;
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        process.WaitForExit(); // flushes the redirected streams
        lock (stdout) lock (stderr)
            return new Result(process.ExitCode, stdout.ToString(), stderr.ToString(), timedOut);
    }

    /// <summary>A valid environment for the API (database, Redis, keys); add or override entries.</summary>
    public static Dictionary<string, string> ValidEnvironment(string postgres, string redis) => new()
    {
        ["ConnectionStrings__Postgres"] = postgres,
        ["ConnectionStrings__Redis"] = redis,
        ["Auth__ClientApiKeys__0"] = ApiHost.ClientKey,
        ["Auth__OpsApiKeys__0"] = ApiHost.OpsKey,
        ["Database__MigrateOnStartup"] = "false",
    };
}
