#pragma once
// The items half of the `dynamodb` seed kind (seed/aws/dynamodb_items.cpp), called by the table
// half (seed/aws/dynamodb.cpp) once a table is ACTIVE.
#include "aws/client.hpp"
#include "seed/seed.hpp"

namespace devenv::aws_seed {

// The table's inline `items`, then its `items_file`, made to be in the table. `fresh`: the table
// was just created, so nothing is read back first.
void seed_table_items(const SeedJob& job, SeedSink& sink, const Value& table, bool fresh);

// Items in one window (read, compared and written before the next window is read): memory is
// bounded by it, whatever the size of the file.
inline constexpr std::size_t kItemsWindow = 800;

}  // namespace devenv::aws_seed
