using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace BookingAssignment.Api.Tests.Infrastructure;

/// <summary>A restaurant created through the API, with its time zone for building local start times.</summary>
public sealed record CreatedRestaurant(Guid Id, string TimeZone, IReadOnlyDictionary<string, Guid> TableIds)
{
    /// <summary>The instant of a local wall-clock time <paramref name="daysAhead"/> days from today in the restaurant's zone.</summary>
    public DateTimeOffset At(TimeOnly local, int daysAhead = 7)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(TimeZone);
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, zone).DateTime);
        var wall = today.AddDays(daysAhead).ToDateTime(local);
        return new DateTimeOffset(wall, zone.GetUtcOffset(wall));
    }
}

/// <summary>An HTTP answer with its body read once (JSON when it parses).</summary>
public sealed record ApiResponse(HttpStatusCode Status, string Text, JsonElement Json, HttpResponseHeaders Headers, HttpContentHeaders? ContentHeaders)
{
    public int Code => (int)Status;
    public Guid Id => Json.GetProperty("id").GetGuid();
    public string? Str(string property) => Json.TryGetProperty(property, out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
    public string[] Tables => Json.TryGetProperty("tables", out var t) ? t.EnumerateArray().Select(x => x.GetString()!).ToArray() : [];

    /// <summary>Field names under <c>errors</c> of a validation problem.</summary>
    public string[] ErrorKeys => Json.ValueKind == JsonValueKind.Object && Json.TryGetProperty("errors", out var e)
        ? e.EnumerateObject().Select(p => p.Name).ToArray() : [];

    public override string ToString() => $"{Code} {Text}";

    public static async Task<ApiResponse> ReadAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        JsonElement json = default;
        try { if (text.Length > 0) json = JsonDocument.Parse(text).RootElement.Clone(); }
        catch (JsonException) { }
        return new ApiResponse(response.StatusCode, text, json, response.Headers, response.Content.Headers);
    }
}

/// <summary>
/// Calls the API the way a front end would: restaurants with the ops client, bookings with the
/// client key. Bodies are <see cref="JsonObject"/>s (see <see cref="Bodies"/>) so a test can break
/// any field.
/// </summary>
public sealed class BookingApiClient(HttpClient client, HttpClient ops)
{
    public HttpClient Client => client;
    public HttpClient Ops => ops;

    /// <summary>POST /restaurants; fails the test unless the answer is 201.</summary>
    public async Task<CreatedRestaurant> CreateRestaurantAsync(JsonObject body)
    {
        var response = await PostAsync(ops, "/restaurants", body.ToJsonString());
        if (response.Status != HttpStatusCode.Created)
            throw new InvalidOperationException($"POST /restaurants answered {response}");
        var tables = response.Json.GetProperty("tables").EnumerateArray()
            .ToDictionary(t => t.GetProperty("label").GetString()!, t => t.GetProperty("id").GetGuid());
        return new CreatedRestaurant(response.Id, response.Json.GetProperty("timeZone").GetString()!, tables);
    }

    public Task<ApiResponse> BookAsync(CreatedRestaurant restaurant, int partySize, DateTimeOffset startsAt,
        string? idempotencyKey = null, HttpClient? via = null) =>
        PostBookingAsync(Bodies.Booking(restaurant.Id, partySize, startsAt), idempotencyKey, via);

    public Task<ApiResponse> PostBookingAsync(JsonNode body, string? idempotencyKey = null, HttpClient? via = null) =>
        PostAsync(via ?? client, "/bookings", body.ToJsonString(), idempotencyKey);

    public async Task<ApiResponse> GetAsync(string path, HttpClient? via = null) =>
        await ApiResponse.ReadAsync(await (via ?? client).GetAsync(path));

    public Task<ApiResponse> CancelAsync(Guid bookingId) => PostAsync(client, $"/bookings/{bookingId}/cancel", null);

    /// <summary>POST with a raw body (null: none), so malformed JSON can be sent too.</summary>
    public static async Task<ApiResponse> PostAsync(HttpClient http, string path, string? body, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path);
        if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        using var response = await http.SendAsync(request);
        return await ApiResponse.ReadAsync(response);
    }
}

/// <summary>Request bodies with sensible defaults.</summary>
public static class Bodies
{
    public static string Iso(DateTimeOffset t) => t.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);

    /// <summary>
    /// A restaurant in Europe/London: lunch 12:00–15:00 (last seating 14:00), dinner 17:00–23:00
    /// (last seating 21:30), turns {2:90, 4:105, 6:120, 8:150}, 15 min buffer.
    /// </summary>
    public static JsonObject Restaurant(IEnumerable<(string Label, string Zone, int Min, int Max)> tables,
        IEnumerable<(string A, string B)>? adjacency = null, string timeZone = "Europe/London", int maxTablesPerBooking = 3, string name = "Test Bistro")
    {
        var tableArray = new JsonArray();
        foreach (var t in tables)
            tableArray.Add(new JsonObject { ["label"] = t.Label, ["zone"] = t.Zone, ["minCovers"] = t.Min, ["maxCovers"] = t.Max });
        var adjacencyArray = new JsonArray();
        foreach (var (a, b) in adjacency ?? []) adjacencyArray.Add(new JsonArray(a, b));
        return new JsonObject
        {
            ["name"] = name,
            ["timeZone"] = timeZone,
            ["services"] = new JsonArray(
                new JsonObject { ["name"] = "lunch", ["start"] = "12:00", ["end"] = "15:00", ["lastSeating"] = "14:00" },
                new JsonObject { ["name"] = "dinner", ["start"] = "17:00", ["end"] = "23:00", ["lastSeating"] = "21:30" }),
            ["turnMinutesByPartySize"] = new JsonObject { ["2"] = 90, ["4"] = 105, ["6"] = 120, ["8"] = 150 },
            ["bufferMinutes"] = 15,
            ["tables"] = tableArray,
            ["adjacency"] = adjacencyArray,
            ["maxTablesPerBooking"] = maxTablesPerBooking,
        };
    }

    public static JsonObject Booking(Guid restaurantId, int partySize, DateTimeOffset startsAt, string name = "Ada Lovelace",
        string? email = "ada@example.com", string? notes = null) => Booking(restaurantId, partySize, Iso(startsAt), name, email, notes);

    public static JsonObject Booking(Guid restaurantId, int partySize, string startsAt, string? name = "Ada Lovelace",
        string? email = "ada@example.com", string? notes = null)
    {
        var body = new JsonObject
        {
            ["restaurantId"] = restaurantId,
            ["partySize"] = partySize,
            ["startsAt"] = startsAt,
            ["customer"] = new JsonObject { ["name"] = name, ["email"] = email, ["phone"] = "+44 20 7946 0000" },
        };
        if (notes is not null) body["notes"] = notes;
        return body;
    }
}
