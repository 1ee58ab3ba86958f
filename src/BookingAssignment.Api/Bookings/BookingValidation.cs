using System.Globalization;
using System.Net.Mail;
using System.Text.RegularExpressions;
using BookingAssignment.Api.Configuration;
using BookingAssignment.Api.Http;

namespace BookingAssignment.Api.Bookings;

/// <summary>Checks for POST /bookings, in two steps: shape first, then against the restaurant.</summary>
internal partial class BookingValidation
{
    [GeneratedRegex(@"(Z|[+-]\d{2}:\d{2})$", RegexOptions.IgnoreCase)]
    private static partial Regex OffsetSuffix();

    public static FieldErrors ValidateShape(CreateBookingRequest r, BookingOptions options, out DateTimeOffset startsAt)
    {
        var e = new FieldErrors();
        startsAt = default;
        if (r.RestaurantId is null || r.RestaurantId == Guid.Empty) e.Add("restaurantId", "A restaurant id is required.");
        if (r.PartySize is null) e.Add("partySize", "Required.");
        else if (r.PartySize < 1) e.Add("partySize", "Must be at least 1.");
        startsAt = Instant(r.StartsAt, "startsAt", e) ?? default;

        if (r.Customer is null) e.Add("customer", "Required.");
        else
        {
            if (string.IsNullOrWhiteSpace(r.Customer.Name)) e.Add("customer.name", "A name is required.");
            else if (r.Customer.Name.Length > 200) e.Add("customer.name", "At most 200 characters.");
            if (r.Customer.Email is { Length: > 0 } email && !IsEmail(email)) e.Add("customer.email", $"'{email}' is not an email address.");
            if (r.Customer.Phone is { Length: > 40 }) e.Add("customer.phone", "At most 40 characters.");
        }
        if (r.Notes is { } notes && notes.Length > options.NotesMaxLength) e.Add("notes", $"At most {options.NotesMaxLength} characters.");
        if (r.ZonePreference is { Length: > 100 }) e.Add("zonePreference", "At most 100 characters.");
        return e;
    }

    /// <summary>An ISO 8601 date-time with an explicit offset (Z or ±hh:mm), or an error on <paramref name="field"/>.</summary>
    public static DateTimeOffset? Instant(string? value, string field, FieldErrors e)
    {
        if (string.IsNullOrWhiteSpace(value)) e.Add(field, "Required: ISO 8601 with offset, e.g. 2026-12-01T19:00:00+00:00.");
        else if (!OffsetSuffix().IsMatch(value.Trim()) || !DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.None, out var t))
            e.Add(field, $"'{value}' is not an ISO 8601 date-time with offset.");
        else return t;
        return null;
    }

    public static FieldErrors ValidateAgainst(RestaurantModel restaurant, int partySize, DateTimeOffset startsAt, string? zonePreference,
        DateTimeOffset now, BookingOptions options)
    {
        var e = new FieldErrors();
        if (partySize > restaurant.Floor.MaxPartySize)
            e.Add("partySize", $"No table or allowed combination seats {partySize}; the largest is {restaurant.Floor.MaxPartySize}.");
        else if (!restaurant.Floor.Candidates.Any(c => c.Fits(partySize)))
            e.Add("partySize", $"No table or allowed combination accepts a party of {partySize}.");
        if (startsAt <= now) e.Add("startsAt", "Must be in the future.");
        else if (startsAt > now.AddDays(options.MaxDaysAhead)) e.Add("startsAt", $"At most {options.MaxDaysAhead} days ahead.");
        else
        {
            var seating = restaurant.Rules.CheckSeating(startsAt);
            if (!seating.Ok) e.Add("startsAt", $"{restaurant.Rules.ToLocal(startsAt):yyyy-MM-dd HH:mm} local time is {seating.Problem}.");
        }
        if (zonePreference is { Length: > 0 } z && !restaurant.Zones.Contains(z, StringComparer.Ordinal))
            e.Add("zonePreference", $"Unknown zone '{z}'. Zones: {string.Join(", ", restaurant.Zones)}.");
        return e;
    }

    private static bool IsEmail(string s) =>
        s.Length <= 254 && MailAddress.TryCreate(s, out var a) && a.Address == s && a.Host.Contains('.');
}
