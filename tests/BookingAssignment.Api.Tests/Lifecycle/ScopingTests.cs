using System.Net;
using System.Text;
using BookingAssignment.Api.Tests.Infrastructure;

namespace BookingAssignment.Api.Tests.Lifecycle;

/// <summary>
/// One host for the whole table: two restaurants ("own" is the staff key's, "other" is not), a
/// booking in each, a staff key of "own" and a revoked one (used before it was revoked, so a
/// cached lookup is what the revoke must beat). Cases that change something make their own target.
/// </summary>
public sealed class ScopingFixture : IAsyncLifetime
{
    public ApiHost Api { get; private set; } = null!;
    public CreatedRestaurant Own { get; private set; } = null!;
    public CreatedRestaurant Other { get; private set; } = null!;
    public Dictionary<Guid, Guid> BookingOf { get; } = [];
    public Dictionary<string, HttpClient?> Keys { get; } = [];

    public async Task InitializeAsync()
    {
        Api = await ApiHost.StartAsync();
        Own = await Api.Bookings.CreateRestaurantAsync(StaffKeys.Floor(name: "Own"));
        Other = await Api.Bookings.CreateRestaurantAsync(StaffKeys.Floor(name: "Other"));
        foreach (var r in new[] { Own, Other }) BookingOf[r.Id] = await BookAsync(r);
        var revoked = await StaffKeys.IssueAsync(Api, Own.Id);
        var revokedClient = Api.CreateClient(revoked.Key);
        if ((await Api.Bookings.GetAsync($"/restaurants/{Own.Id}", revokedClient)).Status != HttpStatusCode.OK)
            throw new InvalidOperationException("A fresh staff key was refused.");
        await StaffKeys.RevokeAsync(Api, Own.Id, revoked.Id);
        Keys["none"] = Api.CreateClient(null);
        Keys["client"] = Api.Client;
        Keys["staff"] = Api.CreateClient((await StaffKeys.IssueAsync(Api, Own.Id)).Key);
        Keys["revoked-staff"] = revokedClient;
        Keys["ops"] = Api.Ops;
    }

    public async Task<Guid> BookAsync(CreatedRestaurant r)
    {
        var booking = await Api.Bookings.BookAsync(r, 2, r.At(new TimeOnly(19, 0)), via: Api.Ops);
        return booking.Status == HttpStatusCode.Created ? booking.Id : throw new InvalidOperationException($"Booking answered {booking}");
    }

    public async Task DisposeAsync() => await Api.DisposeAsync();
}

/// <summary>(key kind, endpoint, own or other restaurant) → status, for every endpoint of the API.</summary>
public sealed class ScopingTests(ScopingFixture f) : IClassFixture<ScopingFixture>
{
    // Expected status per key kind. Without a key or with a revoked one: always 401. "Own" and
    // "other" matter to a staff key only. Ops answers on ops-only endpoints are the endpoint's own
    // answer to the request sent (400: a body it refuses; 409: nothing to retry), i.e. past authorization.
    private static readonly (string Endpoint, int Client, int StaffOwn, int StaffOther, int Ops)[] Table =
    [
        ("GET /restaurants/{r}", 200, 200, 404, 200),
        ("GET /restaurants/{r}/availability", 200, 200, 404, 200),
        ("POST /bookings", 201, 201, 404, 201),
        ("GET /bookings/{b}", 200, 200, 404, 200),
        ("POST /bookings/{b}/cancel", 200, 200, 404, 200),
        ("GET /restaurants/{r}/bookings", 403, 200, 404, 200),
        ("POST /restaurants/{r}/staff-keys", 403, 403, 403, 201),
        ("GET /restaurants/{r}/staff-keys", 403, 403, 403, 200),
        ("DELETE /restaurants/{r}/staff-keys/{k}", 403, 403, 403, 204),
        ("POST /restaurants", 403, 403, 403, 400),
        ("POST /bookings/{b}/assign", 403, 403, 403, 400),
        ("POST /bookings/{b}/retry-assignment", 403, 403, 403, 409),
        ("GET /ops/pipeline", 403, 403, 403, 200),
        ("GET /ops/manual-review", 403, 403, 403, 200),
        ("GET /ops/rollout-report", 403, 403, 403, 200),
        ("GET /ops/metrics", 403, 403, 403, 200),
        // The lifecycle (SPEC §8). 409s are the endpoint's own answer (a week-ahead booking is too early to seat or mark no-show).
        ("PATCH /bookings/{b}", 200, 200, 404, 200),
        ("POST /bookings/{b}/seat", 403, 409, 404, 409),
        ("POST /bookings/{b}/complete", 403, 200, 404, 200),
        ("POST /bookings/{b}/no-show", 403, 409, 404, 409),
        ("POST /restaurants/{r}/holds", 201, 201, 404, 201),
        ("GET /restaurants/{r}/blocks", 403, 200, 404, 200),
        ("POST /restaurants/{r}/blocks", 403, 201, 404, 201),
        ("DELETE /restaurants/{r}/blocks/{k}", 403, 204, 404, 204),
        ("PUT /restaurants/{r}", 403, 400, 404, 400),
    ];

    public static TheoryData<string, string, string, int> Cases()
    {
        var cases = new TheoryData<string, string, string, int>();
        foreach (var row in Table)
            foreach (var kind in new[] { "none", "client", "staff", "revoked-staff", "ops" })
                foreach (var target in new[] { "own", "other" })
                    cases.Add(kind, row.Endpoint, target, kind switch
                    {
                        "none" or "revoked-staff" => 401,
                        "client" => row.Client,
                        "ops" => row.Ops,
                        _ => target == "own" ? row.StaffOwn : row.StaffOther,
                    });
        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task EachKeyKindGetsItsStatusOnEachEndpoint(string kind, string endpoint, string target, int expected)
    {
        var r = target == "own" ? f.Own : f.Other;
        using var request = await RequestAsync(endpoint, r);
        using var response = await f.Keys[kind]!.SendAsync(request);

        Assert.True(expected == (int)response.StatusCode, $"{kind} {endpoint} ({target}): expected {expected}, got {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private async Task<HttpRequestMessage> RequestAsync(string endpoint, CreatedRestaurant r)
    {
        var booking = f.BookingOf[r.Id];
        var date = DateOnly.FromDateTime(r.At(new TimeOnly(19, 0)).DateTime).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        return endpoint switch
        {
            "GET /restaurants/{r}" => Get($"/restaurants/{r.Id}"),
            "GET /restaurants/{r}/availability" => Get($"/restaurants/{r.Id}/availability?date={date}&partySize=2"),
            "POST /bookings" => Post("/bookings", Bodies.Booking(r.Id, 2, r.At(new TimeOnly(19, 0))).ToJsonString()),
            "GET /bookings/{b}" => Get($"/bookings/{booking}"),
            "POST /bookings/{b}/cancel" => Post($"/bookings/{await f.BookAsync(r)}/cancel", null),
            "GET /restaurants/{r}/bookings" => Get($"/restaurants/{r.Id}/bookings?date={date}"),
            "POST /restaurants/{r}/staff-keys" => Post($"/restaurants/{r.Id}/staff-keys", null),
            "GET /restaurants/{r}/staff-keys" => Get($"/restaurants/{r.Id}/staff-keys"),
            "DELETE /restaurants/{r}/staff-keys/{k}" =>
                new HttpRequestMessage(HttpMethod.Delete, $"/restaurants/{r.Id}/staff-keys/{(await StaffKeys.IssueAsync(f.Api, r.Id)).Id}"),
            "POST /restaurants" => Post("/restaurants", "{}"),
            "POST /bookings/{b}/assign" => Post($"/bookings/{booking}/assign", """{"tables":[]}"""),
            "POST /bookings/{b}/retry-assignment" => Post($"/bookings/{booking}/retry-assignment", null),
            "PATCH /bookings/{b}" => Send(HttpMethod.Patch, $"/bookings/{booking}", """{"notes":"scoped"}"""),
            "POST /bookings/{b}/seat" => Post($"/bookings/{booking}/seat", null),
            "POST /bookings/{b}/complete" => Post($"/bookings/{await f.BookAsync(r)}/complete", null),
            "POST /bookings/{b}/no-show" => Post($"/bookings/{booking}/no-show", null),
            "POST /restaurants/{r}/holds" => Post($"/restaurants/{r.Id}/holds",
                $$"""{"partySize":2,"startsAt":"{{Bodies.Iso(r.At(new TimeOnly(12, 0), daysAhead: 9))}}"}"""),
            "GET /restaurants/{r}/blocks" => Get($"/restaurants/{r.Id}/blocks?date={date}"),
            "POST /restaurants/{r}/blocks" => Post($"/restaurants/{r.Id}/blocks", Block(r)),
            "DELETE /restaurants/{r}/blocks/{k}" => new HttpRequestMessage(HttpMethod.Delete, $"/restaurants/{r.Id}/blocks/{await BlockAsync(r)}"),
            "PUT /restaurants/{r}" => Send(HttpMethod.Put, $"/restaurants/{r.Id}", "{}"),
            _ when endpoint.StartsWith("GET /ops/", StringComparison.Ordinal) => Get(endpoint["GET ".Length..]),
            _ => throw new ArgumentOutOfRangeException(nameof(endpoint), endpoint, "Not in the table."),
        };
    }

    private static HttpRequestMessage Get(string path) => new(HttpMethod.Get, path);

    private static HttpRequestMessage Post(string path, string? body) => Send(HttpMethod.Post, path, body);

    private static HttpRequestMessage Send(HttpMethod method, string path, string? body) => new(method, path)
    {
        Content = body is null ? null : new StringContent(body, Encoding.UTF8, "application/json"),
    };

    /// <summary>A lunchtime block of one table, two weeks ahead (the shared bookings are at 19:00 a week ahead).</summary>
    private static string Block(CreatedRestaurant r) =>
        $$"""{"tables":["T30"],"from":"{{Bodies.Iso(r.At(new TimeOnly(12, 0), daysAhead: 14))}}","until":"{{Bodies.Iso(r.At(new TimeOnly(14, 0), daysAhead: 14))}}","reason":"scoping"}""";

    private async Task<Guid> BlockAsync(CreatedRestaurant r)
    {
        using var response = await f.Api.Ops.SendAsync(Post($"/restaurants/{r.Id}/blocks", Block(r)));
        var created = await ApiResponse.ReadAsync(response);
        return created.Status == HttpStatusCode.Created ? created.Id : throw new InvalidOperationException($"POST blocks answered {created}");
    }
}
