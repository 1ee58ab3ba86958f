using Microsoft.Extensions.DependencyInjection.Extensions;
using BookingAssignment.Api;
using BookingAssignment.Api.Assignment;
using BookingAssignment.Api.Auth;
using BookingAssignment.Api.Bookings;
using BookingAssignment.Api.Configuration;
using BookingAssignment.Api.Health;
using BookingAssignment.Api.Http;
using BookingAssignment.Api.Locking;
using BookingAssignment.Api.Ops;
using BookingAssignment.Api.Resilience;
using BookingAssignment.Api.Webhooks;

try
{
    // appsettings.json ships beside the binary, so the content root is the binary's folder.
    var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
    if (ApiDocs.IsBuildTimeGeneration)
        // Read the endpoints only (docs/openapi.json): nothing connects, so placeholders satisfy the configuration checks.
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = "Host=build-time;Database=none", ["ConnectionStrings:Redis"] = "build-time:6379",
            ["Auth:OpsApiKeys:0"] = "build-time-only",
        });
    builder.AddObservability();      // Serilog ([source] prefixes), OpenTelemetry (OTLP when configured)
    builder.AddPersistence();        // EF Core + Npgsql, migrations from /migrations
    builder.AddLocking();            // Redis, RedLock quorum
    builder.AddResilience();         // Polly breakers "redis-lock" and "coordinator"
    builder.AddAssignment();         // FEATURE_ASSIGNMENT_PIPELINE_V3* flags, both pipelines, the V3 run, worker, shadow
    builder.AddRestaurants();
    builder.AddBookings();
    builder.AddOps();                // rollout report, dashboard metrics
    builder.AddWebhooks();           // outbox delivery on the Standard Webhooks spec
    builder.AddApiKeyAuth();         // X-Api-Key: client and ops keys
    builder.AddHttpRateLimiting();   // per-key token bucket → 429
    builder.AddHealth();
    builder.AddHttpEdge();           // ProblemDetails, exception handler, JSON
    builder.AddApiDocs();            // OpenAPI 3.1 at /openapi/v1.json, reference page at /docs

    if (ApiDocs.IsBuildTimeGeneration) builder.Services.RemoveAll<IHostedService>(); // no migrations, workers or warm-up while reading endpoints
    var app = builder.Build();
    if (Commands.IsCommand(args)) return await Commands.RunAsync(app, args);

    app.UseExceptionHandler();
    app.UseStatusCodePages();
    app.UseAuthentication();
    app.UseAuthorization();
    app.UseRateLimiter();
    app.MapHealth();
    app.MapApiDocs();
    app.MapRestaurants();
    app.MapBookings();
    app.MapOps();                    // every /ops endpoint, the dashboard included

    var flags = app.Services.GetRequiredService<PipelineFlags>();
    app.Logger.LogInformation("Assignment pipeline: {Mode} ({Flags})", flags.Mode, flags);
    await app.RunAsync();
    return 0;
}
catch (StartupConfigurationException ex)
{
    await Console.Error.WriteLineAsync($"Configuration error: {ex.Message}");
    return 2;
}
catch (OptionsValidationException ex)
{
    await Console.Error.WriteLineAsync($"Configuration error: {string.Join(" ", ex.Failures)}");
    return 2;
}

/// <summary>Entry point type, visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
