using System.Text;
using System.Text.Json.Nodes;
using BookingAssignment.Api.Tests.Infrastructure;

namespace BookingAssignment.Api.Tests;

/// <summary>
/// A property over every endpoint: whatever garbage arrives — wrong types, random bytes, huge or
/// deeply nested bodies, NUL and lone surrogates, oversized headers, nonsense query strings — the
/// answer is a 4xx and nothing is persisted. Seeded, so a failure can be replayed.
/// </summary>
public sealed class HostileInputFuzzTests
{
    private const int Cases = 400;
    private const int Seed = 20261201;

    private static readonly string[] BookingFields = ["restaurantId", "partySize", "startsAt", "customer", "notes", "zonePreference"];
    private static readonly string[] RestaurantFields =
        ["name", "timeZone", "services", "turnMinutesByPartySize", "bufferMinutes", "tables", "adjacency", "maxTablesPerBooking"];

    [Fact]
    public async Task EveryEndpointAnswersGarbageWithA4xxAndPersistsNothing()
    {
        await using var api = await ApiHost.StartAsync(V3.V3Setup.Flags(v3: true, shadow: false, extra: [("RateLimiting:TokenLimit", "100000")]));
        var r = await api.Bookings.CreateRestaurantAsync(Bodies.Restaurant([("A1", "main", 1, 2), ("A2", "main", 1, 2), ("B1", "main", 2, 4)], [("A1", "A2")]));
        var dinner = r.At(new TimeOnly(19, 0));
        var random = new Random(Seed);

        var failures = new List<string>();
        for (var i = 0; i < Cases; i++)
        {
            using var request = NewRequest(random, r.Id, dinner);
            var described = $"#{i} {request.Method} {request.RequestUri}";
            HttpResponseMessage response;
            try { response = await api.Client.SendAsync(request); }
            catch (Exception ex) { failures.Add($"{described}: {ex.GetType().Name} {ex.Message}"); continue; }
            using (response)
            {
                var code = (int)response.StatusCode;
                if (code is < 400 or > 499)
                    failures.Add($"{described}: {code} {Truncate(await response.Content.ReadAsStringAsync())}");
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of {Cases} answers were not 4xx (seed {Seed}):\n" + string.Join("\n", failures.Take(20)));
        Assert.Equal(0, await api.Db.CountAsync("SELECT count(*) FROM bookings"));
        Assert.Equal(1, await api.Db.CountAsync("SELECT count(*) FROM restaurants"));
        Assert.Equal(3, await api.Db.CountAsync("SELECT count(*) FROM restaurant_tables"));
        Assert.Equal(0, await api.Db.CountAsync("SELECT count(*) FROM idempotency_keys"));
        Assert.Equal(0, await api.Db.CountAsync("SELECT count(*) FROM booking_table_assignments"));
        Assert.Equal(0, await api.Db.CountAsync("SELECT count(*) FROM observability_events WHERE source <> 'bookings' OR event_type <> 'booking.rejected'"));
    }

    private static HttpRequestMessage NewRequest(Random random, Guid restaurantId, DateTimeOffset dinner)
    {
        var id = random.Next(3) switch { 0 => restaurantId.ToString(), 1 => Guid.NewGuid().ToString(), _ => Garbage(random, 12) };
        var booking = Guid.NewGuid();
        var (method, path, fields, valid) = random.Next(12) switch
        {
            0 => (HttpMethod.Post, "/restaurants", RestaurantFields, Bodies.Restaurant([("A1", "main", 1, 2)])),
            1 => (HttpMethod.Get, $"/restaurants/{(random.Next(2) == 0 ? Guid.NewGuid().ToString() : Garbage(random, 12))}", null, null),
            2 => (HttpMethod.Get, $"/restaurants/{id}/availability?date={Uri.EscapeDataString(Garbage(random, 10))}&partySize={Number(random)}", null, null),
            3 or 4 or 5 => (HttpMethod.Post, "/bookings", BookingFields, Bodies.Booking(restaurantId, 2, dinner)),
            6 => (HttpMethod.Get, $"/bookings/{booking}", null, null),
            7 => (HttpMethod.Post, $"/bookings/{booking}/cancel", null, null),
            8 => (HttpMethod.Post, $"/bookings/{booking}/assign", ["tables"], new JsonObject { ["tables"] = new JsonArray("A1") }),
            9 => (HttpMethod.Post, $"/bookings/{booking}/retry-assignment", null, null),
            10 => (HttpMethod.Get, $"/ops/rollout-report?window={Uri.EscapeDataString(Window(random))}&phase={Uri.EscapeDataString(Garbage(random, 8))}", null, null),
            _ => (HttpMethod.Get, $"/ops/metrics?window={Uri.EscapeDataString(Window(random))}&bucket={Uri.EscapeDataString(Window(random))}", null, null),
        };
        var request = new HttpRequestMessage(method, path);
        request.Headers.TryAddWithoutValidation("X-Api-Key", random.Next(10) == 0 ? Garbage(random, 40) : ApiHost.OpsKey);
        if (random.Next(3) == 0) request.Headers.TryAddWithoutValidation("Idempotency-Key", random.Next(4) == 0 ? new string('k', 10_000) : Garbage(random, 20));
        if (random.Next(8) == 0) request.Headers.TryAddWithoutValidation("X-Filler", new string('h', 16_000));
        if (method == HttpMethod.Post) request.Content = Body(random, fields, valid);
        return request;
    }

    /// <summary>A body that is wrong by construction: a field of the wrong type or unstorable text, or not a JSON object at all.</summary>
    private static HttpContent Body(Random random, string[]? fields, JsonObject? valid)
    {
        switch (random.Next(7))
        {
            case 0:
                var bytes = new byte[random.Next(1, 4096)];
                random.NextBytes(bytes);
                return new ByteArrayContent(bytes) { Headers = { ContentType = new("application/json") } };
            case 1:
                return Json(new string('[', 5_000) + new string(']', 5_000));
            case 2:
                return Json("{\"notes\":\"" + new string('x', 2_000_000) + "\"}");
            case 3:
                return Json(WrongValue(random).ToJsonString());
            default:
                if (fields is null || valid is null) return Json(WrongValue(random).ToJsonString());
                var body = (JsonObject)valid.DeepClone();
                var field = fields[random.Next(fields.Length)];
                var text = body.ToJsonString();
                // Unstorable text, spliced in as raw JSON escapes, or a value of the wrong type.
                if (random.Next(2) == 0 && body[field] is JsonValue v && v.TryGetValue<string>(out _))
                    return Json(text.Replace($"\"{field}\":\"", $"\"{field}\":\"{(random.Next(2) == 0 ? "\\u0000" : "\\ud800")}", StringComparison.Ordinal));
                body[field] = WrongValue(random, exceptString: true);
                return Json(body.ToJsonString());
        }
    }

    private static JsonNode WrongValue(Random random, bool exceptString = false) => random.Next(exceptString ? 5 : 6) switch
    {
        0 => JsonValue.Create(random.Next(2) == 0 ? -1e300 : long.MaxValue)!,
        1 => JsonValue.Create(random.Next(2) == 0)!,
        2 => new JsonArray(1, "two", null, new JsonObject()),
        3 => new JsonObject { [Garbage(random, 5)] = new JsonArray(new JsonArray(new JsonArray())) },
        4 => JsonValue.Create(random.NextDouble() * 1e9)!,
        _ => JsonValue.Create(Garbage(random, 30))!,
    };

    private static string Window(Random random) => random.Next(4) switch
    {
        0 => $"{Number(random)}d",
        1 => $"{Number(random)}{(char)random.Next(32, 127)}",
        2 => Garbage(random, 6),
        _ => "",
    };

    private static string Number(Random random) => random.Next(4) switch
    {
        0 => "99999999999999999999",
        1 => int.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture),
        2 => "-5",
        _ => random.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>Printable ASCII (headers must be ASCII; the JSON cases bring their own NUL and surrogates).</summary>
    private static string Garbage(Random random, int length)
    {
        const string alphabet = "aZ09 -_./%{}[]\"'\\,;:=?&#";
        var sb = new StringBuilder();
        while (sb.Length < length) sb.Append(alphabet[random.Next(alphabet.Length)]);
        return sb.ToString();
    }

    private static StringContent Json(string text) => new(text, Encoding.UTF8, "application/json");

    private static string Truncate(string s) => s.Length <= 300 ? s : s[..300] + "…";
}
