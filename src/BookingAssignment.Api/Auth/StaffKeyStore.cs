using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace BookingAssignment.Api.Auth;

/// <summary>What a valid staff key grants: one restaurant.</summary>
internal sealed record StaffGrant(Guid KeyId, Guid RestaurantId);

/// <summary>
/// Staff keys: made here (random, shown once), looked up by their SHA-256 hash. A found key is
/// cached for <see cref="Ttl"/> so a busy host does not query the database on every request;
/// revoking evicts it at once on this instance, while another instance may accept a revoked key
/// until its own cached entry expires (at most <see cref="Ttl"/>). Unknown keys are not cached, and
/// only keys with the staff prefix reach the database.
/// </summary>
internal sealed class StaffKeyStore(IServiceScopeFactory scopes, TimeProvider time)
{
    public const string Prefix = "stf_";
    public static readonly TimeSpan Ttl = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<string, (StaffGrant Grant, DateTimeOffset Until)> _cache = new(StringComparer.Ordinal);
    // Keys revoked here: a lookup that read the row just before the revoke committed must not cache or grant it.
    private readonly ConcurrentDictionary<Guid, bool> _revoked = new();

    /// <summary>A new key: the prefix and 32 random bytes, base64url.</summary>
    public static string NewKey() => Prefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    public async Task<StaffGrant?> FindAsync(string key, CancellationToken ct)
    {
        if (!key.StartsWith(Prefix, StringComparison.Ordinal)) return null;
        var hash = Hash(key);
        var now = time.GetUtcNow();
        if (_cache.TryGetValue(hash, out var hit) && hit.Until > now) return hit.Grant;

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BookingDb>();
        var grant = await db.StaffKeys.AsNoTracking().Where(k => k.KeyHash == hash && k.RevokedAt == null)
            .Select(k => new StaffGrant(k.Id, k.RestaurantId)).SingleOrDefaultAsync(ct);
        if (grant is null || _revoked.ContainsKey(grant.KeyId)) return null;
        _cache[hash] = (grant, now + Ttl);
        if (!_revoked.ContainsKey(grant.KeyId)) return grant;
        _cache.TryRemove(hash, out _); // revoked while it was being cached
        return null;
    }

    /// <summary>Drops a revoked key from this instance's cache.</summary>
    public void Forget(Guid keyId)
    {
        _revoked[keyId] = true;
        foreach (var (hash, entry) in _cache)
            if (entry.Grant.KeyId == keyId) _cache.TryRemove(hash, out _);
    }
}
