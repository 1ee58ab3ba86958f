using System.Text;
using System.Text.Json;
using BookingAssignment.Api.Http;
using Polly;
using StandardWebhooks;

namespace BookingAssignment.Api.Webhooks;

/// <summary>A claimed delivery: where to, the signing secret and the outbox row.</summary>
internal sealed record DueDelivery(long Id, Guid SubscriptionId, string Url, string Secret, string MessageId, string EventType, DateTimeOffset OccurredAt,
    string Payload, int Rounds);

/// <summary>
/// Posts one delivery as the Standard Webhooks specification says: body <c>{id, type, occurredAt, booking}</c>,
/// headers <c>webhook-id</c> (the outbox message id, the same on every redelivery), <c>webhook-timestamp</c>
/// and <c>webhook-signature</c> (<c>v1,</c> + base64 HMAC-SHA256 of <c>id.timestamp.body</c>, signed by the
/// StandardWebhooks library). Polly retries within the round and bounds each attempt by the timeout.
/// </summary>
internal sealed class WebhookSender(IHttpClientFactory http, [FromKeyedServices(WebhookSender.Pipeline)] ResiliencePipeline<HttpResponseMessage> pipeline,
    TimeProvider time)
{
    public const string Pipeline = "webhook-delivery";
    public const string Client = "webhooks";

    /// <returns>The receiver's status (null: no answer) and, on failure, why.</returns>
    public async Task<(bool Ok, int? Status, string? Error)> SendAsync(DueDelivery d, CancellationToken ct)
    {
        var body = Body(d);
        try
        {
            using var response = await pipeline.ExecuteAsync(async token =>
            {
                var now = time.GetUtcNow();
                using var request = new HttpRequestMessage(HttpMethod.Post, d.Url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
                request.Headers.Add("webhook-id", d.MessageId);
                request.Headers.Add("webhook-timestamp", now.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
                request.Headers.Add("webhook-signature", new StandardWebhook(d.Secret).Sign(d.MessageId, now, body));
                return await http.CreateClient(Client).SendAsync(request, token);
            }, ct);
            return response.IsSuccessStatusCode ? (true, (int)response.StatusCode, null) : (false, (int)response.StatusCode, $"HTTP {(int)response.StatusCode}");
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            return (false, null, $"{ex.GetType().Name}: {ex.Message}");
        }
    }

    /// <summary>The JSON body: the same bytes for every attempt of one message.</summary>
    public static string Body(DueDelivery d)
    {
        using var booking = JsonDocument.Parse(d.Payload);
        return JsonSerializer.Serialize(new { id = d.MessageId, type = d.EventType, occurredAt = d.OccurredAt, booking = booking.RootElement }, JsonBody.Options);
    }
}
