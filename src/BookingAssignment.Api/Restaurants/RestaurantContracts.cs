namespace BookingAssignment.Api.Restaurants;

internal sealed record CreateRestaurantRequest(
    string? Name,
    string? TimeZone,
    List<ServiceDto>? Services,
    Dictionary<string, int>? TurnMinutesByPartySize,
    int? BufferMinutes,
    List<TableDto>? Tables,
    List<string[]>? Adjacency,
    int? MaxTablesPerBooking);

internal sealed record ServiceDto(string? Name, string? Start, string? End, string? LastSeating);

internal sealed record TableDto(string? Label, string? Zone, int? MinCovers, int? MaxCovers);

internal sealed record RestaurantResponse(
    Guid Id,
    string Name,
    string TimeZone,
    IReadOnlyList<ServiceDto> Services,
    IReadOnlyDictionary<string, int> TurnMinutesByPartySize,
    int BufferMinutes,
    IReadOnlyList<TableResponse> Tables,
    IReadOnlyList<string[]> Adjacency,
    int MaxTablesPerBooking,
    DateTimeOffset CreatedAt);

internal sealed record TableResponse(Guid Id, string Label, string Zone, int MinCovers, int MaxCovers);

internal sealed record AvailabilityResponse(Guid RestaurantId, string Date, int PartySize, IReadOnlyList<DateTimeOffset> StartTimes);
