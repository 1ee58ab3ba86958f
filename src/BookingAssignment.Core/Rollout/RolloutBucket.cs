using System.Security.Cryptography;
using System.Text;

namespace BookingAssignment.Core.Rollout;

/// <summary>
/// Sticky, monotone percentage rollout: a restaurant's bucket (0–99) is a hash of the feature name
/// and the restaurant id, so it never changes between runs or instances, and raising the
/// percentage 10 → 50 → 100 only adds restaurants (bucket &lt; percent).
/// </summary>
public static class RolloutBucket
{
    public static int Of(string featureName, Guid restaurantId)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes($"{featureName}:{restaurantId:D}"), hash);
        var value = BitConverter.ToUInt32(hash[..4]);
        return (int)(value % 100);
    }

    public static bool IsIncluded(string featureName, Guid restaurantId, int percent) =>
        percent >= 100 || (percent > 0 && Of(featureName, restaurantId) < percent);
}
