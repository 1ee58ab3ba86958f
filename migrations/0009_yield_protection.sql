-- 0009: the opt-in yield setting (issue 9, Assignment/YieldForecasts.cs). Off by default. With it on,
-- V3 may refuse a party that some arrangement could seat, to keep the tables for the larger parties
-- the restaurant's own request history says are still to come.
ALTER TABLE restaurants ADD COLUMN yield_protection boolean NOT NULL DEFAULT false;
