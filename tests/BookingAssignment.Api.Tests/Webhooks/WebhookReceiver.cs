using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using StandardWebhooks;

namespace BookingAssignment.Api.Tests.Webhooks;

/// <summary>
/// A real HTTP receiver on a local port that verifies every delivery as the Standard Webhooks
/// specification says (the StandardWebhooks library's Verify: headers, timestamp tolerance,
/// HMAC). It can be up, down (503) or hanging, and records what it accepted, in arrival order.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    public enum Mode { Up, Down, Hang }

    public sealed record Received(string MessageId, string Type, Guid BookingId, string Body, IHeaderDictionary Headers);

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Received> _accepted = new();
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _attempts, _answered, _badSignatures;

    public volatile Mode Current = Mode.Up;
    public string? Secret { get; set; }
    public string Url { get; private set; } = "";
    public IReadOnlyList<Received> Accepted => _accepted.ToArray();
    public int Attempts => _attempts;
    /// <summary>Requests the receiver has finished answering (a hanging one has not).</summary>
    public int Answered => _answered;
    public int BadSignatures => _badSignatures;

    private WebhookReceiver(WebApplication app) => _app = app;

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/hooks", receiver.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.Url = address + "/hooks";
        return receiver;
    }

    /// <summary>Lets requests that hang answer (with 200).</summary>
    public void ReleaseHanging() => _release.TrySetResult();

    private async Task<IResult> HandleAsync(HttpRequest request)
    {
        Interlocked.Increment(ref _attempts);
        try
        {
            using var reader = new StreamReader(request.Body);
            var body = await reader.ReadToEndAsync();
            if (Current == Mode.Down) return Results.StatusCode(503);
            if (Current == Mode.Hang) await _release.Task;
            try { new StandardWebhook(Secret!).Verify(body, request.Headers); }
            catch (StandardWebhooks.Diagnostics.WebhookVerificationException)
            {
                Interlocked.Increment(ref _badSignatures);
                return Results.StatusCode(401);
            }
            using var json = JsonDocument.Parse(body);
            var root = json.RootElement;
            _accepted.Enqueue(new Received(request.Headers["webhook-id"].ToString(), root.GetProperty("type").GetString()!,
                root.GetProperty("booking").GetProperty("id").GetGuid(), body, new HeaderDictionary
                {
                    ["webhook-id"] = request.Headers["webhook-id"], ["webhook-timestamp"] = request.Headers["webhook-timestamp"],
                    ["webhook-signature"] = request.Headers["webhook-signature"],
                }));
            return Results.Ok();
        }
        finally
        {
            Interlocked.Increment(ref _answered);
        }
    }

    public async ValueTask DisposeAsync()
    {
        ReleaseHanging();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
