using System.Net;
using BookingAssignment.Api.Tests.Infrastructure;

namespace BookingAssignment.Api.Tests;

public sealed class IdempotencyTests
{
    [Fact]
    public async Task AReplayReturnsTheOriginalResponseAndADifferentBodyWithTheSameKeyIs422()
    {
        await using var api = await ApiHost.StartAsync();
        var r = await api.Bookings.CreateRestaurantAsync(Bodies.Restaurant([("A1", "main", 1, 2), ("A2", "main", 1, 2)]));
        var body = Bodies.Booking(r.Id, 2, r.At(new TimeOnly(19, 0)));

        var first = await api.Bookings.PostBookingAsync(body, "key-replay");
        var replay = await api.Bookings.PostBookingAsync(body, "key-replay");

        Assert.Equal(HttpStatusCode.Created, first.Status);
        Assert.Equal(HttpStatusCode.Created, replay.Status);
        Assert.Equal(first.Id, replay.Id);
        Assert.Equal(first.Str("status"), replay.Str("status"));
        Assert.Equal(first.Tables, replay.Tables);
        Assert.Equal(first.Headers.Location, replay.Headers.Location);
        Assert.True(replay.Headers.TryGetValues("Idempotent-Replayed", out var replayed) && replayed.Single() == "true");
        Assert.Equal(1, await api.Db.CountAsync("SELECT count(*) FROM bookings"));

        var changed = Bodies.Booking(r.Id, 1, r.At(new TimeOnly(19, 0)));
        var mismatch = await api.Bookings.PostBookingAsync(changed, "key-replay");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, mismatch.Status);
        Assert.Equal("idempotency_key_reused", mismatch.Str("code"));
        Assert.Equal(1, await api.Db.CountAsync("SELECT count(*) FROM bookings"));

        // Keys are scoped per API key: another client's same key is a new request.
        using var other = api.CreateClient(ApiHost.SecondClientKey);
        var otherClient = await api.Bookings.PostBookingAsync(body, "key-replay", other);
        Assert.Equal(HttpStatusCode.Created, otherClient.Status);
        Assert.NotEqual(first.Id, otherClient.Id);
    }

    [Fact]
    public async Task TheSameKeySentTwentyTimesAtOnceCreatesExactlyOneBooking()
    {
        await using var api = await ApiHost.StartAsync();
        var r = await api.Bookings.CreateRestaurantAsync(Bodies.Restaurant(
            Enumerable.Range(1, 6).Select(i => ($"A{i}", "main", 1, 2))));
        var body = Bodies.Booking(r.Id, 2, r.At(new TimeOnly(19, 0)));

        using var start = new ManualResetEventSlim();
        var requests = Enumerable.Range(0, 20).Select(_ => Task.Run(async () =>
        {
            start.Wait();
            return await api.Bookings.PostBookingAsync(body, "key-storm");
        })).ToArray();
        start.Set();
        var responses = await Task.WhenAll(requests);

        Assert.Equal(1, await api.Db.CountAsync("SELECT count(*) FROM bookings"));
        Assert.Equal(1, await api.Db.CountAsync("SELECT count(*) FROM booking_table_assignments"));
        var created = responses.Where(x => x.Code == 201).ToArray();
        Assert.NotEmpty(created);
        // Anything else may only be "still in flight, retry" (409), never a second booking or an error.
        Assert.All(responses.Where(x => x.Code != 201), x => Assert.Equal((409, "idempotency_key_in_flight"), (x.Code, x.Str("code"))));
        var id = await api.Db.ScalarAsync<Guid>("SELECT id FROM bookings");
        Assert.All(created, x => Assert.Equal(id, x.Id));
    }
}
