using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Serilog;
using Serilog.Templates;

namespace BookingAssignment.Api.Observability;

internal static class ObservabilityExtensions
{
    // "[12:00:01 INF] [auto_assign] auto_assign.summary booking=… {…}": the event source is the prefix.
    private const string ConsoleTemplate =
        "[{@t:HH:mm:ss} {@l:u3}] {#if EventSource is not null}[{EventSource}] {#else}[{Substring(SourceContext, LastIndexOf(SourceContext, '.') + 1)}] {#end}{@m}\n{@x}";

    public static WebApplicationBuilder AddObservability(this WebApplicationBuilder builder)
    {
        builder.Services.AddSerilog((services, log) => log
            .ReadFrom.Configuration(builder.Configuration)
            .Enrich.FromLogContext()
            .Enrich.With<EventSourceEnricher>()
            // Formatting and writing happen on the sink's own thread, not on the request's (a bounded
            // buffer: under an overload that fills it, log lines are dropped rather than requests slowed).
            .WriteTo.Async(sink => sink.Console(new ExpressionTemplate(ConsoleTemplate))));

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<Telemetry>();
        builder.Services.AddSingleton<EventRecorder>();

        // Traces and metrics are collected only when something receives them: without an exporter,
        // an activity per request and per SQL command would be built and thrown away.
        if (string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"])) return builder;
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("booking-assignment"))
            .WithTracing(t => t
                .AddSource(Telemetry.Name)
                .AddAspNetCoreInstrumentation()
                .AddNpgsql())
            .WithMetrics(m => m
                .AddMeter(Telemetry.Name)
                .AddAspNetCoreInstrumentation()
                .AddRuntimeInstrumentation())
            .UseOtlpExporter();
        return builder;
    }
}
