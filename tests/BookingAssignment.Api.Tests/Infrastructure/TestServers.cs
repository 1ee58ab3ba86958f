using Npgsql;
using Testcontainers.PostgreSql;
using Testcontainers.Redis;

namespace BookingAssignment.Api.Tests.Infrastructure;

/// <summary>
/// The PostgreSQL and Redis servers the whole test run shares (SPEC §1), resolved once per process:
/// <list type="number">
/// <item><c>TEST_POSTGRES</c> (Npgsql string of a superuser, database <c>postgres</c>) and
/// <c>TEST_REDIS</c> (StackExchange.Redis configuration) — exported by <c>scripts/test.sh</c>;</item>
/// <item>otherwise Testcontainers (PostgreSql, Redis) when a Docker engine answers;</item>
/// <item>otherwise every test that needs a server fails with a message saying to run scripts/test.sh.
/// Nothing is skipped silently.</item>
/// </list>
/// </summary>
public sealed class TestServers
{
    public const string PostgresVariable = "TEST_POSTGRES";
    public const string RedisVariable = "TEST_REDIS";

    private static readonly Lazy<Task<TestServers>> Instance = new(ResolveAsync, LazyThreadSafetyMode.ExecutionAndPublication);

    private TestServers(string postgresAdmin, string redis)
    {
        PostgresAdmin = postgresAdmin;
        Redis = redis;
    }

    /// <summary>Superuser connection string to the <c>postgres</c> database (for CREATE/DROP DATABASE).</summary>
    public string PostgresAdmin { get; }

    /// <summary>StackExchange.Redis configuration string, e.g. <c>127.0.0.1:26380</c>.</summary>
    public string Redis { get; }

    public static Task<TestServers> GetAsync() => Instance.Value;

    private static async Task<TestServers> ResolveAsync()
    {
        var pg = Environment.GetEnvironmentVariable(PostgresVariable);
        var redis = Environment.GetEnvironmentVariable(RedisVariable);
        if (!string.IsNullOrWhiteSpace(pg) || !string.IsNullOrWhiteSpace(redis))
        {
            if (string.IsNullOrWhiteSpace(pg) || string.IsNullOrWhiteSpace(redis))
                throw Missing($"only one of {PostgresVariable} and {RedisVariable} is set");
            await EnsurePostgresAnswersAsync(pg);
            return new TestServers(pg, redis);
        }

        Exception? dockerError = null;
        try
        {
            var postgres = new PostgreSqlBuilder("postgres:16-alpine").Build();
            var redisContainer = new RedisBuilder("redis:7-alpine").Build();
            await Task.WhenAll(postgres.StartAsync(), redisContainer.StartAsync());
            // The containers live for the whole test process; Testcontainers' reaper removes them after.
            var admin = new NpgsqlConnectionStringBuilder(postgres.GetConnectionString()) { Database = "postgres" }.ConnectionString;
            return new TestServers(admin, redisContainer.GetConnectionString());
        }
        catch (Exception ex)
        {
            dockerError = ex;
        }
        throw Missing($"{PostgresVariable}/{RedisVariable} are not set and no Docker engine answered ({dockerError.GetType().Name}: {dockerError.Message})");
    }

    private static async Task EnsurePostgresAnswersAsync(string connectionString)
    {
        try
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
        }
        catch (Exception ex) when (ex is NpgsqlException or System.Net.Sockets.SocketException)
        {
            throw Missing($"{PostgresVariable} is set but PostgreSQL does not answer: {ex.Message}");
        }
    }

    private static InvalidOperationException Missing(string why) => new(
        $"The API tests need real PostgreSQL and Redis servers: {why}. " +
        "Run scripts/test.sh (it starts private servers and exports TEST_POSTGRES and TEST_REDIS), " +
        "or export both yourself, or start a Docker engine for Testcontainers.");
}
