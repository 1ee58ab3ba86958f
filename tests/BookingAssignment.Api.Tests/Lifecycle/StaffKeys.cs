using System.Net;
using System.Text.Json.Nodes;
using BookingAssignment.Api.Tests.Infrastructure;

namespace BookingAssignment.Api.Tests.Lifecycle;

/// <summary>Issues and revokes staff keys through the API (ops key), for the staff-key and scoping tests.</summary>
public static class StaffKeys
{
    public sealed record Issued(Guid Id, string Key);

    public static async Task<Issued> IssueAsync(ApiHost api, Guid restaurantId, string? label = null)
    {
        var body = label is null ? null : new JsonObject { ["label"] = label }.ToJsonString();
        var response = await BookingApiClient.PostAsync(api.Ops, $"/restaurants/{restaurantId}/staff-keys", body);
        if (response.Status != HttpStatusCode.Created) throw new InvalidOperationException($"POST staff-keys answered {response}");
        return new Issued(response.Id, response.Str("key")!);
    }

    public static async Task<HttpStatusCode> RevokeAsync(ApiHost api, Guid restaurantId, Guid keyId)
    {
        using var response = await api.Ops.DeleteAsync($"/restaurants/{restaurantId}/staff-keys/{keyId}");
        return response.StatusCode;
    }

    /// <summary>The same floor for every test here: 30 tables of 2–4 in one zone, so bookings never compete.</summary>
    public static JsonObject Floor(string timeZone = "Europe/London", string name = "Test Bistro") =>
        Bodies.Restaurant(Enumerable.Range(1, 30).Select(i => ($"T{i}", "main", 1, 4)), timeZone: timeZone, name: name);
}
