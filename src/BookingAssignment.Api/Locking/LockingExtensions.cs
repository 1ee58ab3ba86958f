using BookingAssignment.Api.Configuration;
using StackExchange.Redis;

namespace BookingAssignment.Api.Locking;

internal static class LockingExtensions
{
    /// <summary>
    /// One Redis multiplexer for the process (it reconnects by itself, so a Redis outage never stops
    /// the start), the Locking options and the RedLock factory over the quorum.
    /// </summary>
    public static WebApplicationBuilder AddLocking(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration.GetConnectionString("Redis");
        if (string.IsNullOrWhiteSpace(configuration))
            throw new StartupConfigurationException("ConnectionStrings__Redis is not set: give a StackExchange.Redis configuration, e.g. 127.0.0.1:6379.");
        builder.Services.AddOptions<LockingOptions>().BindConfiguration(LockingOptions.Section)
            // No quorum configured: lock on the one Redis the service uses anyway.
            .PostConfigure(o => { if (o.RedisEndpoints.Length == 0) o.RedisEndpoints = [configuration]; })
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<LockingOptions>, LockingOptionsValidator>();
        builder.Services.AddSingleton<RestaurantLocks>();
        builder.Services.AddSingleton<IConnectionMultiplexer>(_ =>
        {
            var options = ConfigurationOptions.Parse(configuration);
            options.AbortOnConnectFail = false;
            options.ConnectTimeout = Math.Min(options.ConnectTimeout, 2000);
            options.SyncTimeout = Math.Min(options.SyncTimeout, 1000);
            options.AsyncTimeout = Math.Min(options.AsyncTimeout, 1000);
            return ConnectionMultiplexer.Connect(options);
        });
        return builder;
    }
}
