using System.Security.Cryptography;
using BookingAssignment.Api.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace BookingAssignment.Api.Webhooks;

internal sealed record CreateWebhookRequest(string? Url, List<string>? Events, string? Secret);

internal sealed record WebhookResponse(Guid Id, string Url, IReadOnlyList<string> Events, DateTimeOffset CreatedAt, string? Secret = null);

internal sealed record WebhookFailure(long DeliveryId, string MessageId, string Type, Guid BookingId, DateTimeOffset OccurredAt, int Rounds, int? LastStatus,
    string? LastError);

internal sealed record ReplayResponse(int Replayed);

/// <summary>
/// Webhook subscriptions (SPEC §9), ops only: create (the <c>whsec_</c> secret is shown once; one
/// may be given), list, delete, the deliveries that failed after the retry budget, and their replay.
/// </summary>
internal static class WebhooksApi
{
    public static WebApplicationBuilder AddWebhooks(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<WebhookOptions>().BindConfiguration(WebhookOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddHttpClient(WebhookSender.Client);
        builder.Services.AddResiliencePipeline<string, HttpResponseMessage>(WebhookSender.Pipeline, (pipeline, context) =>
        {
            var o = context.ServiceProvider.GetRequiredService<IOptions<WebhookOptions>>().Value;
            pipeline.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = Math.Max(o.InlineRetries, 1),
                ShouldHandle = args => ValueTask.FromResult(o.InlineRetries > 0 && (args.Outcome.Exception is HttpRequestException or TimeoutRejectedException
                                                                                      || args.Outcome.Result is { IsSuccessStatusCode: false })),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(o.InlineBaseDelayMs),
            });
            pipeline.AddTimeout(TimeSpan.FromMilliseconds(o.TimeoutMs));
        });
        builder.Services.AddSingleton<WebhookSender>();
        builder.Services.AddHostedService<WebhookDispatcher>();
        return builder;
    }

    public static void MapWebhooks(this RouteGroupBuilder ops)
    {
        ops.MapPost("/webhooks", CreateAsync).Accepts<CreateWebhookRequest>("application/json");
        ops.MapGet("/webhooks", ListAsync);
        ops.MapDelete("/webhooks/{id:guid}", DeleteAsync);
        ops.MapGet("/webhooks/{id:guid}/failures", FailuresAsync);
        ops.MapPost("/webhooks/{id:guid}/failures/replay", ReplayAsync);
    }

    private static async Task<Results<Created<WebhookResponse>, ValidationProblem>> CreateAsync(HttpContext http, BookingDb db, CancellationToken ct)
    {
        var (request, jsonErrors) = JsonBody.Read<CreateWebhookRequest>(http.Request, await JsonBody.BufferAsync(http.Request, ct));
        if (jsonErrors is not null) return Problems.Validation(jsonErrors);
        var errors = new FieldErrors();
        if (!Uri.TryCreate(request!.Url, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            errors.Add("url", "An absolute http(s) URL is required.");
        if (request.Events is not { Count: > 0 } events) errors.Add("events", $"Name at least one of {string.Join(", ", BookingOutbox.Types)}.");
        else
            foreach (var unknown in events.Where(e => !BookingOutbox.Types.Contains(e, StringComparer.Ordinal)))
                errors.Add("events", $"Unknown event '{unknown}'; use {string.Join(", ", BookingOutbox.Types)}.");
        if (request.Secret is { } given && !IsSecret(given)) errors.Add("secret", "Use whsec_ followed by base64 of 24–64 random bytes, or leave it out and one is made.");
        if (errors.Any) return Problems.Validation(errors.ToDictionary());

        var subscription = new WebhookSubscription
        {
            Id = Guid.CreateVersion7(), Url = url!.ToString(), Events = request.Events!.Distinct(StringComparer.Ordinal).ToArray(),
            Secret = request.Secret ?? "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
        };
        db.WebhookSubscriptions.Add(subscription);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/ops/webhooks/{subscription.Id}", View(subscription) with { Secret = subscription.Secret });
    }

    private static async Task<Ok<WebhookResponse[]>> ListAsync(BookingDb db, CancellationToken ct) =>
        TypedResults.Ok((await db.WebhookSubscriptions.AsNoTracking().Where(s => s.DeletedAt == null).OrderBy(s => s.CreatedAt).ToListAsync(ct))
            .Select(View).ToArray());

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(Guid id, BookingDb db, TimeProvider time, CancellationToken ct)
    {
        var subscription = await db.WebhookSubscriptions.SingleOrDefaultAsync(s => s.Id == id, ct);
        if (subscription is null) return Problems.NotFound("id", $"Webhook {id} does not exist.");
        subscription.DeletedAt ??= time.GetUtcNow();
        await db.SaveChangesAsync(ct);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<WebhookFailure[]>, ProblemHttpResult>> FailuresAsync(Guid id, BookingDb db, CancellationToken ct)
    {
        if (!await db.WebhookSubscriptions.AnyAsync(s => s.Id == id, ct)) return Problems.NotFound("id", $"Webhook {id} does not exist.");
        var failures = await db.WebhookDeliveries.AsNoTracking().Where(d => d.SubscriptionId == id && d.State == WebhookDelivery.Failed)
            .OrderBy(d => d.Id).Take(500)
            .Join(db.WebhookOutbox, d => d.OutboxId, o => o.Id, (d, o) => new WebhookFailure(d.Id, o.MessageId, o.EventType, o.BookingId, o.OccurredAt, d.Rounds,
                d.LastStatus, d.LastError))
            .ToArrayAsync(ct);
        return TypedResults.Ok(failures);
    }

    /// <summary>Every failed delivery of the subscription goes back to pending with a fresh budget (same webhook-id: receivers deduplicate).</summary>
    private static async Task<Results<Ok<ReplayResponse>, ProblemHttpResult>> ReplayAsync(Guid id, BookingDb db, CancellationToken ct)
    {
        if (!await db.WebhookSubscriptions.AnyAsync(s => s.Id == id && s.DeletedAt == null, ct)) return Problems.NotFound("id", $"Webhook {id} does not exist.");
        var replayed = await db.Database.ExecuteSqlAsync($"""
            UPDATE webhook_deliveries SET state = 'pending', rounds = 0, next_attempt_at = now(), locked_until = NULL
            WHERE subscription_id = {id} AND state = 'failed'
            """, ct);
        return TypedResults.Ok(new ReplayResponse(replayed));
    }

    private static WebhookResponse View(WebhookSubscription s) => new(s.Id, s.Url, s.Events, s.CreatedAt);

    private static bool IsSecret(string s)
    {
        if (!s.StartsWith("whsec_", StringComparison.Ordinal)) return false;
        var bytes = new byte[96];
        return Convert.TryFromBase64String(s["whsec_".Length..], bytes, out var n) && n is >= 24 and <= 64;
    }
}
