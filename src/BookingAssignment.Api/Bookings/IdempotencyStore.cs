using System.Security.Cryptography;
using System.Text;

namespace BookingAssignment.Api.Bookings;

/// <summary>A response kept for replay: exactly what the first request got.</summary>
internal sealed record StoredResponse(int Status, string Body, string? Location)
{
    public IResult ToResult(HttpContext http)
    {
        if (Location is not null) http.Response.Headers.Location = Location;
        var contentType = Status >= 400 ? "application/problem+json" : "application/json";
        return Results.Text(Body, contentType, Encoding.UTF8, Status);
    }
}

/// <summary>
/// Idempotency-Key handling for POST /bookings, scoped per API key. The first request inserts an
/// in-flight row (the primary key makes concurrent duplicates lose); later ones replay the stored
/// response, wait briefly while the first is still working, or get 422 when the body differs.
/// </summary>
internal sealed class IdempotencyStore(IServiceScopeFactory scopes, TimeProvider time)
{
    /// <summary>An in-flight row older than this is assumed abandoned (its process died).</summary>
    private static readonly TimeSpan Abandoned = TimeSpan.FromMinutes(1);

    public abstract record Reservation
    {
        public sealed record Proceed : Reservation;
        public sealed record Replay(StoredResponse Response) : Reservation;
        public sealed record BodyMismatch : Reservation;
        public sealed record StillInFlight : Reservation;
        /// <summary>The key's first request committed a booking but never recorded its answer (its process died): answer with that booking.</summary>
        public sealed record Committed(Guid BookingId) : Reservation;
    }

    public static string Hash(string value) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(value)));
    public static string Hash(byte[] value) => Convert.ToHexString(SHA256.HashData(value));

    public async Task<Reservation> ReserveAsync(string clientKeyHash, string key, string requestHash, TimeSpan wait, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BookingDb>();
        var now = time.GetUtcNow();
        var inserted = await db.Database.ExecuteSqlAsync($"""
            INSERT INTO idempotency_keys (client_key_hash, key, request_hash, state, created_at)
            VALUES ({clientKeyHash}, {key}, {requestHash}, 'in_flight', {now})
            ON CONFLICT (client_key_hash, key) DO NOTHING
            """, ct);
        if (inserted == 1) return new Reservation.Proceed();

        var deadline = now + wait;
        while (true)
        {
            var row = await db.IdempotencyKeys.AsNoTracking()
                .SingleOrDefaultAsync(x => x.ClientKeyHash == clientKeyHash && x.Key == key, ct);
            if (row is null)
            {
                // The first request failed and released the key: try to take it.
                return await ReserveAsync(clientKeyHash, key, requestHash, deadline - time.GetUtcNow(), ct);
            }
            if (row.RequestHash != requestHash) return new Reservation.BodyMismatch();
            if (row.State == "completed") return new Reservation.Replay(new StoredResponse(row.ResponseStatus!.Value, row.ResponseBody!, row.ResponseLocation));
            // Still in flight: what was committed under the key decides, before anything runs again.
            if (await FindBookingAsync(db, clientKeyHash, key, ct) is { } committed) return new Reservation.Committed(committed);
            if (time.GetUtcNow() - row.CreatedAt > Abandoned)
            {
                var taken = await db.Database.ExecuteSqlAsync($"""
                    UPDATE idempotency_keys SET created_at = {time.GetUtcNow()}
                    WHERE client_key_hash = {clientKeyHash} AND key = {key} AND state = 'in_flight' AND created_at = {row.CreatedAt}
                    """, ct);
                if (taken == 1) return new Reservation.Proceed();
            }
            if (time.GetUtcNow() >= deadline) return new Reservation.StillInFlight();
            await Task.Delay(TimeSpan.FromMilliseconds(50), time, ct);
        }
    }

    /// <summary>The booking created under this key, if one was committed.</summary>
    public async Task<Guid?> FindBookingAsync(string clientKeyHash, string key, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await FindBookingAsync(scope.ServiceProvider.GetRequiredService<BookingDb>(), clientKeyHash, key, ct);
    }

    private static Task<Guid?> FindBookingAsync(BookingDb db, string clientKeyHash, string key, CancellationToken ct) =>
        db.Bookings.AsNoTracking().Where(b => b.IdempotencyClientHash == clientKeyHash && b.IdempotencyKey == key)
            .Select(b => (Guid?)b.Id).SingleOrDefaultAsync(ct);

    public async Task CompleteAsync(string clientKeyHash, string key, StoredResponse response, Guid? bookingId, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BookingDb>();
        await db.Database.ExecuteSqlAsync($"""
            UPDATE idempotency_keys
            SET state = 'completed', response_status = {response.Status}, response_body = {response.Body},
                response_location = {response.Location}, booking_id = {bookingId}, completed_at = {time.GetUtcNow()}
            WHERE client_key_hash = {clientKeyHash} AND key = {key}
            """, ct);
    }

    /// <summary>The request failed unexpectedly: free the key so the client's retry can proceed.</summary>
    public async Task ReleaseAsync(string clientKeyHash, string key)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<BookingDb>();
            await db.Database.ExecuteSqlAsync($"DELETE FROM idempotency_keys WHERE client_key_hash = {clientKeyHash} AND key = {key} AND state = 'in_flight'");
        }
        catch (Exception ex) when (DbErrors.IsUnavailable(ex))
        {
            // The database is gone; the row expires after Abandoned.
        }
    }
}
