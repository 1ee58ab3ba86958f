#!/usr/bin/env bash
# Regenerates the EF Core compiled model (src/BookingAssignment.Api/Persistence/CompiledModel) after an
# entity or its mapping (Persistence/BookingDb.cs) changed. CompiledModelTests fails until it is run.
#   scripts/ef-compiled-model.sh
# Installs dotnet-ef 10.0.15 (beside the API's EF Core 10.0.4 and Microsoft.EntityFrameworkCore.Design 10.0.4) when it is missing. Building the model
# needs no database: the connection strings below only satisfy start-up's validation.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$BA_ROOT"
export PATH="$PATH:$HOME/.dotnet/tools"
if ! dotnet ef --version 2>/dev/null | grep -q '^10\.0\.15'; then
  ba_step "Installing dotnet-ef 10.0.15"
  dotnet tool update --global dotnet-ef --version 10.0.15 >/dev/null
fi
OUT=src/BookingAssignment.Api/Persistence/CompiledModel
# Built without the old compiled model (it may not compile against changed entities), so EF builds the model from them.
ba_step "Building the API without its compiled model"
dotnet build src/BookingAssignment.Api -c Debug -p:EfCompiledModel=false -v quiet -nologo 9>&- >/dev/null
rm -rf "$OUT"
ba_step "dotnet ef dbcontext optimize"
ConnectionStrings__Postgres="Host=127.0.0.1;Port=1;Database=x;Username=x;Password=x" ConnectionStrings__Redis="127.0.0.1:1,abortConnect=false" \
  dotnet ef dbcontext optimize --no-build -p src/BookingAssignment.Api -s src/BookingAssignment.Api -c BookingDb \
  -o Persistence/CompiledModel -n BookingAssignment.Api.Persistence.CompiledModel --configuration Debug >/dev/null
# EF 10.0 writes the array comparers' equality as ReadOnlySpan<T>.op_Implicit(a).SequenceEqual(...), which C#
# refuses (CS0571, and a span cannot sit in an expression tree): Enumerable.SequenceEqual, the same comparison.
sed -i -E 's/ReadOnlySpan<([A-Za-z]+)>\.op_Implicit\((\(\([A-Za-z]+\[\]\)[ab]\))\)\.SequenceEqual\(ReadOnlySpan<[A-Za-z]+>\.op_Implicit\((\(\([A-Za-z]+\[\]\)[ab]\))\), \(IEqualityComparer<[A-Za-z]+>\)\(null\)\)/Enumerable.SequenceEqual(\2, \3)/g' "$OUT"/*.cs
if grep -q 'op_Implicit' "$OUT"/*.cs; then ba_die "the generated model still calls op_Implicit: extend the fix-up above"; fi
# The Debug build above is not the compiled model's: build again so bin/ is not left without it.
dotnet build src/BookingAssignment.Api -c Debug -v quiet -nologo 9>&- >/dev/null
ba_ok "wrote $OUT ($(ls "$OUT" | wc -l) files)"
