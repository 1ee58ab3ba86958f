using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using BookingAssignment.Api.Tests.Infrastructure;

namespace BookingAssignment.Api.Tests.Lifecycle;

/// <summary>Calls for the lifecycle endpoints (SPEC §8) and the invariants the lifecycle tests share.</summary>
public static class Lifecycle
{
    public static async Task<ApiResponse> SendAsync(this HttpClient http, HttpMethod method, string path, JsonNode? body = null,
        params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null) request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        foreach (var (name, value) in headers) request.Headers.TryAddWithoutValidation(name, value);
        using var response = await http.SendAsync(request);
        return await ApiResponse.ReadAsync(response);
    }

    public static Task<ApiResponse> PatchAsync(this HttpClient http, Guid bookingId, JsonObject body, string? ifMatch = null) =>
        http.SendAsync(HttpMethod.Patch, $"/bookings/{bookingId}", body, ifMatch is null ? [] : [("If-Match", ifMatch)]);

    public static Task<ApiResponse> VisitAsync(this HttpClient http, Guid bookingId, string step) =>
        http.SendAsync(HttpMethod.Post, $"/bookings/{bookingId}/{step}");

    public static string ETag(this ApiResponse r) => r.Headers.ETag?.ToString() ?? throw new InvalidOperationException($"no ETag on {r}");

    public static JsonObject Patch(params (string Key, JsonNode? Value)[] fields)
    {
        var o = new JsonObject();
        foreach (var (k, v) in fields) o[k] = v;
        return o;
    }

    public static string[] Labels(this JsonElement e, string property) =>
        e.GetProperty(property).EnumerateArray().Select(x => x.GetString()!).ToArray();

    /// <summary>No table has two live assignments whose windows overlap (the exclusion constraint's promise, checked from outside).</summary>
    public static Task<int> OverlapsAsync(TestDatabase db) => db.CountAsync("""
        SELECT count(*) FROM booking_table_assignments a JOIN booking_table_assignments b
          ON a.table_id = b.table_id AND a.id < b.id AND a.during && b.during
        WHERE a.released_at IS NULL AND b.released_at IS NULL
        """);

    /// <summary>Every booking's status agrees with its live tables: confirmed and checked_in hold some, the rest hold none.</summary>
    public static Task<int> InconsistentAsync(TestDatabase db) => db.CountAsync("""
        SELECT count(*) FROM bookings b
        WHERE (b.status IN ('confirmed', 'checked_in')) <>
              EXISTS (SELECT 1 FROM booking_table_assignments a WHERE a.booking_id = b.id AND a.released_at IS NULL)
        """);

    public static void Is(this ApiResponse r, HttpStatusCode expected)
    {
        if (r.Status != expected) throw new Xunit.Sdk.XunitException($"expected {(int)expected} {expected}, got {r}");
    }
}
