using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using BookingAssignment.Api.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace BookingAssignment.Api.Tests.Lifecycle;

public sealed class StaffKeyTests
{
    [Fact]
    public async Task AStaffKeyIsShownOnceAndOnlyItsSha256IsStored()
    {
        await using var api = await ApiHost.StartAsync();
        var restaurant = await api.Bookings.CreateRestaurantAsync(StaffKeys.Floor());

        var created = await BookingApiClient.PostAsync(api.Ops, $"/restaurants/{restaurant.Id}/staff-keys", """{"label":"front desk"}""");

        Assert.Equal(HttpStatusCode.Created, created.Status);
        var key = created.Str("key")!;
        Assert.StartsWith("stf_", key, StringComparison.Ordinal);
        Assert.True(key.Length >= 4 + 43, key); // 32 random bytes, base64url
        Assert.Equal(restaurant.Id, created.Json.GetProperty("restaurantId").GetGuid());
        Assert.Equal("front desk", created.Str("label"));
        Assert.True(created.Json.TryGetProperty("createdAt", out _));
        Assert.Equal($"/restaurants/{restaurant.Id}/staff-keys/{created.Id}", created.Headers.Location?.ToString());

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
        Assert.Equal(hash, await api.Db.ScalarAsync<string>("SELECT key_hash FROM staff_keys WHERE id = $1", created.Id));
        // Nowhere in the row, and nowhere in the whole database's text.
        Assert.Equal(0, await api.Db.CountAsync("SELECT count(*) FROM staff_keys s WHERE strpos(row_to_json(s)::text, $1) > 0", key));
        Assert.DoesNotContain(key, await DatabaseTextAsync(api.Db), StringComparison.Ordinal);

        var list = await api.Bookings.GetAsync($"/restaurants/{restaurant.Id}/staff-keys", api.Ops);
        Assert.Equal(HttpStatusCode.OK, list.Status);
        var item = Assert.Single(list.Json.EnumerateArray());
        Assert.Equal(created.Id, item.GetProperty("id").GetGuid());
        Assert.False(item.TryGetProperty("key", out _));
        Assert.DoesNotContain(key, list.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARevokedKeyIsRefusedAtOnceAndRevokingAgainIsStillNoContent()
    {
        await using var api = await ApiHost.StartAsync();
        var restaurant = await api.Bookings.CreateRestaurantAsync(StaffKeys.Floor());
        var issued = await StaffKeys.IssueAsync(api, restaurant.Id);
        using var staff = api.CreateClient(issued.Key);
        // Used first, so this instance has it cached when it is revoked.
        Assert.Equal(HttpStatusCode.OK, (await api.Bookings.GetAsync($"/restaurants/{restaurant.Id}", staff)).Status);

        Assert.Equal(HttpStatusCode.NoContent, await StaffKeys.RevokeAsync(api, restaurant.Id, issued.Id));

        Assert.Equal(HttpStatusCode.Unauthorized, (await api.Bookings.GetAsync($"/restaurants/{restaurant.Id}", staff)).Status);
        Assert.Equal(HttpStatusCode.NoContent, await StaffKeys.RevokeAsync(api, restaurant.Id, issued.Id));
        var listed = (await api.Bookings.GetAsync($"/restaurants/{restaurant.Id}/staff-keys", api.Ops)).Json[0];
        Assert.Equal(JsonValueKind.String, listed.GetProperty("revokedAt").ValueKind);
    }

    /// <summary>
    /// Two instances on one database: the one that revokes refuses the key at once; the other
    /// accepts it from its cache until the entry is older than the cache TTL (10 s), then refuses it.
    /// </summary>
    [Fact]
    public async Task AnotherInstanceRefusesARevokedKeyOnceItsCachedEntryExpires()
    {
        await using var first = await ApiHost.StartAsync();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var second = await ApiHost.StartAsync(database: first.Db, configureServices: services => services.AddSingleton<TimeProvider>(clock));
        var restaurant = await first.Bookings.CreateRestaurantAsync(StaffKeys.Floor());
        var issued = await StaffKeys.IssueAsync(first, restaurant.Id);
        using var viaSecond = second.CreateClient(issued.Key);
        Assert.Equal(HttpStatusCode.OK, (await second.Bookings.GetAsync($"/restaurants/{restaurant.Id}", viaSecond)).Status);

        Assert.Equal(HttpStatusCode.NoContent, await StaffKeys.RevokeAsync(first, restaurant.Id, issued.Id));

        clock.Advance(TimeSpan.FromSeconds(9));
        Assert.Equal(HttpStatusCode.OK, (await second.Bookings.GetAsync($"/restaurants/{restaurant.Id}", viaSecond)).Status);
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.Unauthorized, (await second.Bookings.GetAsync($"/restaurants/{restaurant.Id}", viaSecond)).Status);
    }

    [Fact]
    public async Task BadStaffKeyRequestsNameTheField()
    {
        await using var api = await ApiHost.StartAsync();
        var restaurant = await api.Bookings.CreateRestaurantAsync(StaffKeys.Floor());
        var other = await api.Bookings.CreateRestaurantAsync(StaffKeys.Floor(name: "Other"));
        var issued = await StaffKeys.IssueAsync(api, restaurant.Id);

        var longLabel = await BookingApiClient.PostAsync(api.Ops, $"/restaurants/{restaurant.Id}/staff-keys", $$"""{"label":"{{new string('x', 101)}}"}""");
        Assert.Equal((HttpStatusCode.BadRequest, "label"), (longLabel.Status, string.Join(",", longLabel.ErrorKeys)));
        var broken = await BookingApiClient.PostAsync(api.Ops, $"/restaurants/{restaurant.Id}/staff-keys", """{"label":""");
        Assert.Equal((HttpStatusCode.BadRequest, "body"), (broken.Status, string.Join(",", broken.ErrorKeys)));
        var nowhere = await BookingApiClient.PostAsync(api.Ops, $"/restaurants/{Guid.NewGuid()}/staff-keys", null);
        Assert.Equal((HttpStatusCode.NotFound, "id"), (nowhere.Status, string.Join(",", nowhere.ErrorKeys)));
        // A key is revoked only through its own restaurant.
        Assert.Equal(HttpStatusCode.NotFound, await StaffKeys.RevokeAsync(api, other.Id, issued.Id));
        Assert.Equal(HttpStatusCode.NotFound, await StaffKeys.RevokeAsync(api, restaurant.Id, Guid.NewGuid()));
        Assert.Equal(1, await api.Db.CountAsync("SELECT count(*) FROM staff_keys WHERE id = $1 AND revoked_at IS NULL", issued.Id));
    }

    [Fact]
    public async Task AnotherRestaurantLooksToAStaffKeyLikeOneThatDoesNotExist()
    {
        await using var api = await ApiHost.StartAsync();
        var own = await api.Bookings.CreateRestaurantAsync(StaffKeys.Floor(name: "Own"));
        var other = await api.Bookings.CreateRestaurantAsync(StaffKeys.Floor(name: "Other"));
        var booking = await api.Bookings.BookAsync(other, 2, other.At(new TimeOnly(19, 0)));
        using var staff = api.CreateClient((await StaffKeys.IssueAsync(api, own.Id)).Key);
        var missing = Guid.NewGuid();

        // The same problem, field and wording as for an id that exists nowhere (only the id differs).
        var pairs = new (ApiResponse Other, ApiResponse Missing)[]
        {
            (await api.Bookings.BookAsync(other, 2, other.At(new TimeOnly(20, 0)), via: staff),
                await api.Bookings.PostBookingAsync(Bodies.Booking(missing, 2, other.At(new TimeOnly(20, 0))), via: staff)),
            (await api.Bookings.GetAsync($"/bookings/{booking.Id}", staff), await api.Bookings.GetAsync($"/bookings/{missing}", staff)),
            (await BookingApiClient.PostAsync(staff, $"/bookings/{booking.Id}/cancel", null), await BookingApiClient.PostAsync(staff, $"/bookings/{missing}/cancel", null)),
            (await api.Bookings.GetAsync($"/restaurants/{other.Id}", staff), await api.Bookings.GetAsync($"/restaurants/{missing}", staff)),
            (await api.Bookings.GetAsync($"/restaurants/{other.Id}/bookings?date=2027-03-10", staff),
                await api.Bookings.GetAsync($"/restaurants/{missing}/bookings?date=2027-03-10", staff)),
        };

        foreach (var (seen, nowhere) in pairs)
        {
            Assert.Equal(HttpStatusCode.NotFound, seen.Status);
            Assert.Equal(Problem(nowhere, missing), Problem(seen, booking.Id, other.Id));
        }
        Assert.Equal(["restaurantId"], pairs[0].Other.ErrorKeys);
        Assert.Equal("confirmed", (await api.Bookings.GetAsync($"/bookings/{booking.Id}")).Str("status"));
        Assert.Equal(1, await api.Db.CountAsync("SELECT count(*) FROM bookings"));
    }

    /// <summary>The problem body without its traceId, with the given ids replaced by "ID".</summary>
    private static string Problem(ApiResponse response, params Guid[] ids)
    {
        var problem = JsonNode.Parse(response.Text)!.AsObject();
        problem.Remove("traceId");
        return ids.Aggregate(problem.ToJsonString(), (text, id) => text.Replace(id.ToString(), "ID", StringComparison.Ordinal));
    }

    /// <summary>Every text-like value of every user table, concatenated.</summary>
    private static async Task<string> DatabaseTextAsync(TestDatabase db)
    {
        var tables = await db.RowsAsync("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'");
        var text = new StringBuilder();
        foreach (var t in tables)
            text.Append(await db.ScalarAsync<string>($"SELECT coalesce(string_agg(row_to_json(x)::text, ' '), '') FROM \"{t["table_name"]}\" x"));
        return text.ToString();
    }
}
