using System.Diagnostics;
using BookingAssignment.Api.Configuration;
using BookingAssignment.Api.Resilience;
using Polly;
using Polly.CircuitBreaker;
using RedLockNet;
using RedLockNet.SERedis;
using RedLockNet.SERedis.Configuration;
using StackExchange.Redis;

namespace BookingAssignment.Api.Locking;

/// <summary>How a coordinator run holds its restaurant/date: the Redis lock, or the database lock alone.</summary>
internal sealed class LockLease(IRedLock? redLock, LockMode mode, double waitMs) : IAsyncDisposable
{
    public LockMode Mode { get; } = mode;
    public double WaitMs { get; } = waitMs;
    public bool Contended => Mode == LockMode.Contended;

    // Releases the Redis lock and stops its auto-extension. Asynchronously: the synchronous
    // Dispose blocks a thread-pool thread per release and starves the pool under load.
    public ValueTask DisposeAsync() => redLock?.DisposeAsync() ?? ValueTask.CompletedTask;
}

internal enum LockMode
{
    /// <summary>RedLock quorum acquired (and auto-extended while held).</summary>
    Redis,
    /// <summary>Redis unreachable or its breaker open: the PostgreSQL advisory lock alone guards the run.</summary>
    DatabaseOnly,
    /// <summary>Another run held the lock for the whole bounded wait.</summary>
    Contended,
}

/// <summary>
/// RedLock.net over one StackExchange.Redis multiplexer per configured server (one factory for
/// the process, disposed on shutdown). The lock is an optimisation that keeps runs for one
/// restaurant/date from colliding; correctness comes from the advisory lock and the exclusion
/// constraint in PostgreSQL, because RedLock cannot fence a paused holder.
/// </summary>
internal sealed class RestaurantLocks : IDisposable
{
    private readonly RedLockFactory _factory;
    private readonly List<ConnectionMultiplexer> _owned = [];
    private readonly List<IConnectionMultiplexer> _servers = [];
    private readonly ResiliencePipeline _breaker;
    private readonly LockingOptions _options;

    public RestaurantLocks(IOptions<LockingOptions> options, [FromKeyedServices(Breakers.RedisLock)] ResiliencePipeline breaker, ILoggerFactory loggers)
    {
        _options = options.Value;
        _breaker = breaker;
        var multiplexers = new List<RedLockMultiplexer>();
        foreach (var endpoint in _options.RedisEndpoints)
        {
            var mux = ConnectionMultiplexer.Connect(LockServerConfiguration(endpoint, _options));
            _owned.Add(mux);
            _servers.Add(mux);
            multiplexers.Add(new RedLockMultiplexer(mux));
        }
        // One quorum attempt per try: the bounded wait (WaitMs, RetryMs) is the only retry loop.
        _factory = RedLockFactory.Create(multiplexers, new RedLockRetryConfiguration(retryCount: 1, retryDelayMs: 10), loggers);
    }

    /// <summary>
    /// A lock server's connection: its own connect and command timeouts far below the lock's wait,
    /// and commands to a disconnected server fail at once instead of waiting in a backlog — so a
    /// dead or hung server costs at most one timeout, and a majority of them falls back to the
    /// database lock within WaitMs.
    /// </summary>
    internal static ConfigurationOptions LockServerConfiguration(string endpoint, LockingOptions o)
    {
        var config = ConfigurationOptions.Parse(endpoint);
        config.AbortOnConnectFail = false;
        config.ConnectTimeout = o.NodeConnectTimeoutMs;
        config.SyncTimeout = o.NodeOperationTimeoutMs;
        config.AsyncTimeout = o.NodeOperationTimeoutMs;
        config.ConnectRetry = 1;
        config.BacklogPolicy = BacklogPolicy.FailFast;
        return config;
    }

    public async Task<LockLease> AcquireAsync(string resource, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var redLock = await _breaker.ExecuteAsync(async token =>
            {
                // Fail fast when a quorum is not even connected, instead of waiting out command timeouts.
                if (_servers.Count(m => m.IsConnected) < _servers.Count / 2 + 1)
                    throw new RedisQuorumException($"Only {_servers.Count(m => m.IsConnected)} of {_servers.Count} Redis servers are connected.");
                var l = await _factory.CreateLockAsync(resource, TimeSpan.FromMilliseconds(_options.ExpiryMs),
                    TimeSpan.FromMilliseconds(_options.WaitMs), TimeSpan.FromMilliseconds(_options.RetryMs), token);
                if (!l.IsAcquired && l.Status != RedLockStatus.Conflicted)
                {
                    await l.DisposeAsync();
                    // No quorum means Redis did not answer: a fault the breaker should count.
                    throw new RedisQuorumException($"RedLock could not reach a quorum for {resource} ({l.Status}).");
                }
                return l;
            }, ct);
            var waited = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            if (!redLock.IsAcquired)
            {
                await redLock.DisposeAsync();
                return new LockLease(null, LockMode.Contended, waited);
            }
            return new LockLease(redLock, LockMode.Redis, waited);
        }
        catch (Exception ex) when (ex is BrokenCircuitException or RedisQuorumException or RedisException or TimeoutException or ObjectDisposedException)
        {
            return new LockLease(null, LockMode.DatabaseOnly, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
    }

    public void Dispose()
    {
        _factory.Dispose(); // one factory (and its multiplexers) for the process, disposed on shutdown
        foreach (var m in _owned) m.Dispose();
    }
}

/// <summary>Redis did not answer enough servers to form a lock quorum: a fault, not contention.</summary>
internal sealed class RedisQuorumException(string message) : Exception(message);
