using System.Net;
using System.Text.Json.Nodes;
using BookingAssignment.Api.Tests.Infrastructure;
using BookingAssignment.Api.Tests.Lifecycle;
using BookingAssignment.Api.Tests.V3;
using StandardWebhooks;

namespace BookingAssignment.Api.Tests.Webhooks;

public sealed class WebhookTests
{
    private static readonly string[] AllTypes =
        ["booking.confirmed", "booking.modified", "booking.cancelled", "booking.manual_review", "booking.seated", "booking.completed", "booking.no_show"];

    /// <summary>Fast rounds so a receiver that comes back is served within the test; a short lease so a dead instance's claims are taken over.</summary>
    private static Dictionary<string, string?> Settings(int retryBudget = 100) => V3Setup.Flags(v3: true, shadow: false, extra: [
        ("Webhooks:PollMs", "50"), ("Webhooks:InlineRetries", "1"), ("Webhooks:InlineBaseDelayMs", "20"), ("Webhooks:RoundBaseDelayMs", "100"),
        ("Webhooks:RoundMaxDelayMs", "400"), ("Webhooks:TimeoutMs", "1000"), ("Webhooks:LeaseSeconds", "3"),
        ("Webhooks:RetryBudget", retryBudget.ToString(System.Globalization.CultureInfo.InvariantCulture))]);

    private static async Task<Guid> SubscribeAsync(ApiHost api, WebhookReceiver receiver, params string[] events)
    {
        var created = await api.Ops.SendAsync(HttpMethod.Post, "/ops/webhooks",
            new JsonObject { ["url"] = receiver.Url, ["events"] = new JsonArray(events.Select(e => (JsonNode)e).ToArray()) });
        created.Is(HttpStatusCode.Created);
        receiver.Secret = created.Str("secret");
        Assert.StartsWith("whsec_", receiver.Secret);
        return created.Id;
    }

    /// <summary>Some of everything: bookings confirmed, one modified, one cancelled.</summary>
    private static async Task ChangeBookingsAsync(ApiHost api, CreatedRestaurant r, int count)
    {
        var booked = new List<ApiResponse>();
        for (var i = 0; i < count; i++) booked.Add(await api.Bookings.BookAsync(r, 2, r.At(new TimeOnly(18, 0)).AddMinutes(15 * i)));
        (await api.Client.PatchAsync(booked[0].Id, Lifecycle.Lifecycle.Patch(("partySize", 4)))).Is(HttpStatusCode.OK);
        (await api.Bookings.CancelAsync(booked[1].Id)).Is(HttpStatusCode.OK);
    }

    private static Task<List<Dictionary<string, object?>>> OutboxAsync(ApiHost api) =>
        api.Db.RowsAsync("SELECT message_id, booking_id, event_type FROM webhook_outbox ORDER BY id");

    /// <summary>Every outbox row was accepted at least once, and per booking the first acceptances come in outbox order.</summary>
    private static async Task AssertAllDeliveredInOrderAsync(ApiHost api, WebhookReceiver receiver)
    {
        var outbox = await OutboxAsync(api);
        await Eventually.UntilAsync(() => Task.FromResult(receiver.Accepted.Select(a => a.MessageId).Distinct().Count()), n => n >= outbox.Count,
            $"all {outbox.Count} outbox messages to be accepted", TimeSpan.FromSeconds(60));
        Assert.Equal(outbox.Select(o => (string)o["message_id"]!).Order(), receiver.Accepted.Select(a => a.MessageId).Distinct().Order());
        foreach (var booking in outbox.GroupBy(o => (Guid)o["booking_id"]!))
        {
            var expected = booking.Select(o => (string)o["message_id"]!).ToArray();
            var arrived = receiver.Accepted.Where(a => a.BookingId == booking.Key).Select(a => a.MessageId).Distinct().ToArray();
            Assert.Equal(expected, arrived);
        }
        Assert.Equal(0, receiver.BadSignatures);
    }

    [Fact]
    public async Task AReceiverThatIsDownThenUpGetsEveryEventInOrderPerBooking()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Current = WebhookReceiver.Mode.Down;
        await using var api = await ApiHost.StartAsync(Settings());
        await SubscribeAsync(api, receiver, AllTypes);
        var r = await api.Bookings.CreateRestaurantAsync(V3Setup.LargeFloor("Hooks"));

        await ChangeBookingsAsync(api, r, 6);
        await Eventually.UntilAsync(() => Task.FromResult(receiver.Attempts), n => n >= 4, "deliveries to meet the receiver down");
        Assert.Empty(receiver.Accepted);
        receiver.Current = WebhookReceiver.Mode.Up;

        await AssertAllDeliveredInOrderAsync(api, receiver);
        var types = (await OutboxAsync(api)).Select(o => (string)o["event_type"]!).ToArray();
        Assert.Equal(6, types.Count(t => t == "booking.confirmed"));
        Assert.Contains("booking.modified", types);
        Assert.Contains("booking.cancelled", types);
        // The body is {id, type, occurredAt, booking} and id is the webhook-id.
        var first = JsonNode.Parse(receiver.Accepted[0].Body)!;
        Assert.Equal(receiver.Accepted[0].MessageId, (string)first["id"]!);
        Assert.NotNull(first["occurredAt"]);
        Assert.Equal(r.Id, Guid.Parse((string)first["booking"]!["restaurantId"]!));
    }

    [Fact]
    public async Task TheSignatureVerifiesAndATamperedBodyDoesNot()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var api = await ApiHost.StartAsync(Settings());
        await SubscribeAsync(api, receiver, "booking.confirmed");
        var r = await api.Bookings.CreateRestaurantAsync(V3Setup.SmallFloor());
        (await api.Bookings.BookAsync(r, 2, r.At(new TimeOnly(19, 0)))).Is(HttpStatusCode.Created);
        await Eventually.UntilAsync(() => Task.FromResult(receiver.Accepted.Count), n => n >= 1, "the confirmation to arrive");

        var got = receiver.Accepted[0];
        Assert.StartsWith("v1,", got.Headers["webhook-signature"].ToString());
        new StandardWebhook(receiver.Secret!).Verify(got.Body, got.Headers);
        Assert.Throws<StandardWebhooks.Diagnostics.WebhookVerificationException>(() =>
            new StandardWebhook(receiver.Secret!).Verify(got.Body.Replace("\"partySize\":2", "\"partySize\":9"), got.Headers));
        Assert.Throws<StandardWebhooks.Diagnostics.WebhookVerificationException>(() =>
            new StandardWebhook("whsec_" + Convert.ToBase64String(new byte[32])).Verify(got.Body, got.Headers));
    }

    [Fact]
    public async Task TheApiRestartedMidDeliveryLosesNothing()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Current = WebhookReceiver.Mode.Hang;
        var db = await TestDatabase.CreateAsync();
        await using var _ = db;
        CreatedRestaurant r;
        await using (var first = await ApiHost.StartAsync(Settings(), database: db))
        {
            await SubscribeAsync(first, receiver, AllTypes);
            r = await first.Bookings.CreateRestaurantAsync(V3Setup.LargeFloor("Restart"));
            await ChangeBookingsAsync(first, r, 5);
            await Eventually.UntilAsync(() => Task.FromResult(receiver.Attempts), n => n >= 1, "a delivery to be in flight");
        } // stopped with deliveries claimed and in flight
        receiver.Current = WebhookReceiver.Mode.Up;
        receiver.ReleaseHanging();

        await using var second = await ApiHost.StartAsync(Settings(), database: db);
        await AssertAllDeliveredInOrderAsync(second, receiver);
    }

    [Fact]
    public async Task AHangingReceiverNeverHoldsUpABooking()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Current = WebhookReceiver.Mode.Hang;
        await using var api = await ApiHost.StartAsync(Settings());
        await SubscribeAsync(api, receiver, AllTypes);
        var r = await api.Bookings.CreateRestaurantAsync(V3Setup.LargeFloor("Hang"));
        (await api.Bookings.BookAsync(r, 2, r.At(new TimeOnly(17, 0)))).Is(HttpStatusCode.Created);
        await Eventually.UntilAsync(() => Task.FromResult(receiver.Attempts), n => n >= 1, "a delivery to hang at the receiver");

        // Every booking is answered and committed while not one delivery has been answered.
        for (var i = 0; i < 20; i++)
            Assert.Equal(HttpStatusCode.Created, (await api.Bookings.BookAsync(r, 1 + i % 4, r.At(new TimeOnly(18, 0), daysAhead: 8 + i))).Status);
        Assert.Equal(0, receiver.Answered);
        Assert.Equal(21, await api.Db.CountAsync("SELECT count(*) FROM webhook_outbox WHERE event_type = 'booking.confirmed'"));
    }

    [Fact]
    public async Task DeliveriesPastTheRetryBudgetAreListedAsFailuresAndCanBeReplayed()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Current = WebhookReceiver.Mode.Down;
        await using var api = await ApiHost.StartAsync(Settings(retryBudget: 2));
        var id = await SubscribeAsync(api, receiver, "booking.confirmed", "booking.cancelled");
        var r = await api.Bookings.CreateRestaurantAsync(V3Setup.SmallFloor());
        var booked = await api.Bookings.BookAsync(r, 2, r.At(new TimeOnly(19, 0)));
        (await api.Bookings.CancelAsync(booked.Id)).Is(HttpStatusCode.OK);

        await Eventually.UntilAsync(() => api.Db.CountAsync("SELECT count(*) FROM webhook_deliveries WHERE state = 'failed'"), n => n == 2, "both deliveries to fail");
        var failures = await api.Bookings.GetAsync($"/ops/webhooks/{id}/failures", api.Ops);
        Assert.Equal(2, failures.Json.GetArrayLength());
        Assert.All(failures.Json.EnumerateArray(), f => Assert.Equal(503, f.GetProperty("lastStatus").GetInt32()));
        (await api.Client.SendAsync(HttpMethod.Get, $"/ops/webhooks/{id}/failures")).Is(HttpStatusCode.Forbidden);

        receiver.Current = WebhookReceiver.Mode.Up;
        var replay = await api.Ops.SendAsync(HttpMethod.Post, $"/ops/webhooks/{id}/failures/replay");
        Assert.Equal(2, replay.Json.GetProperty("replayed").GetInt32());
        await AssertAllDeliveredInOrderAsync(api, receiver);
        Assert.Equal(0, (await api.Bookings.GetAsync($"/ops/webhooks/{id}/failures", api.Ops)).Json.GetArrayLength());
        // Bad subscriptions are refused by field; a deleted one gets nothing new.
        var bad = await api.Ops.SendAsync(HttpMethod.Post, "/ops/webhooks", new JsonObject { ["url"] = "ftp://x", ["events"] = new JsonArray("booking.eaten"), ["secret"] = "nope" });
        Assert.Equal(["events", "secret", "url"], bad.ErrorKeys.Order());
        (await api.Ops.SendAsync(HttpMethod.Delete, $"/ops/webhooks/{id}")).Is(HttpStatusCode.NoContent);
        Assert.Empty((await api.Bookings.GetAsync("/ops/webhooks", api.Ops)).Json.EnumerateArray());
    }
}
