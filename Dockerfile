# The API image used by docker-compose.yml (service "api").
#   docker build -t booking-assignment-api .
# Build stage: publish the API with the .NET 10 SDK.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
ENV DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

# Restore first (cached layer while only code changes).
COPY Directory.Build.props Directory.Packages.props ./
COPY src/BookingAssignment.Core/BookingAssignment.Core.csproj src/BookingAssignment.Core/
COPY src/BookingAssignment.Api/BookingAssignment.Api.csproj src/BookingAssignment.Api/
RUN dotnet restore src/BookingAssignment.Api/BookingAssignment.Api.csproj

# Then the sources (the API embeds /migrations/*.sql and ships /appsettings.json).
COPY . .
# Drop host build output and local server data that may have come along with the context.
RUN rm -rf .data \
 && find . -type d \( -name bin -o -name obj \) -prune -exec rm -rf {} + \
 && dotnet publish src/BookingAssignment.Api/BookingAssignment.Api.csproj -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true -o /app

# Runtime stage: ASP.NET Core runtime only, non-root.
FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app ./
ENV ASPNETCORE_URLS=http://0.0.0.0:8080
EXPOSE 8080
USER $APP_UID
ENTRYPOINT ["dotnet", "BookingAssignment.Api.dll"]
