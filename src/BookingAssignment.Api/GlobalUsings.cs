// Namespaces nearly every feature folder uses; the rest are imported where they are needed.
global using BookingAssignment.Api.Observability;
global using BookingAssignment.Api.Observability.Events;
global using BookingAssignment.Api.Persistence;
global using BookingAssignment.Api.Restaurants;
global using BookingAssignment.Core.Planning;
global using BookingAssignment.Core.StateMachine;
global using Microsoft.EntityFrameworkCore;
global using Microsoft.Extensions.Options;
