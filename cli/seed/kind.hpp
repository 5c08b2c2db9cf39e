#pragma once
// A seed kind: everything devenv knows about one kind of seed block (seed.SERVICE.KIND), in one
// row. Each kind defines its row in its own file, grouped by family (seed/aws/, seed/sql/,
// seed/kv/, seed/kafka/, seed/http/, seed/doc/, seed/builtin/); seed/kinds.cpp lists the rows.
// The loader's seed check (seed/check.cpp), the seed runner and reset (seed/seed.cpp),
// `devenv templates` and the docs test all read that one table. docs/architecture.md has the
// recipe for adding a kind.
#include <string>
#include <string_view>
#include <vector>

#include "profile/schema.hpp"
#include "seed/seed.hpp"

namespace devenv {

// The other blocks of the same service's seed, for cross-references (an EventBridge target
// naming a queue of the sqs block). Null when the service declares no block of that kind.
class SeedSiblings {
public:
    virtual ~SeedSiblings() = default;
    virtual const Value* block(std::string_view kind) const = 0;
};

using ResetFn = void (*)(const ServiceSeedJob& job, SeedSink& sink);

struct SeedKind {
    std::string_view name;     // the key under seed.SERVICE
    std::string_view family;   // aws, sql, kv, kafka, http, doc, builtin
    std::string_view summary;  // one line, for `devenv templates` and the docs
    // Kinds of one service are applied phase by phase, the kinds of a phase in parallel:
    // 0 independent kinds; 1 kinds that name resources of phase 0 (EventBridge targets and SNS
    // subscriptions name queues); 2 exec steps, after everything typed.
    int phase = 0;
    // The AWS API an emulator must serve for this kind ("cognito-idp"); "" for other kinds.
    std::string_view aws_service{};

    // The block's schema, as data the validator walks (file:line:col, "did you mean").
    SchemaPtr (*schema)() = nullptr;
    // Checks beyond the schema: references inside the block and to sibling blocks. Throws
    // error_at(...) at the offending node. `path` is seed.SERVICE.KIND.
    void (*check)(const Value& block, const std::string& path, const SeedSiblings& siblings) = nullptr;

    // Makes the service hold what the declaration says (see seed/seed.hpp for the contract).
    SeedFn seed = nullptr;

    // Reset, for services whose template seeds this kind alone (`reset_template`): either
    // `reset` (back to the seeded state, its own way), or, when null, `unseed` (delete what the
    // declaration declares) followed by the service's seed again.
    std::string_view reset_template{};
    ResetFn reset = nullptr;
    SeedFn unseed = nullptr;
    // After a complete seed of such a service: capture what `reset` restores from.
    ResetFn after_seed = nullptr;

    // The seed files the block names (items_file, SQL and COPY files, parameter files): `up`
    // fingerprints their size, modification time and inode, so a changed file is seeded again
    // without any file being read to decide. Null: the block names none.
    void (*files)(const Value& block, std::vector<const Value*>& out) = nullptr;

    // Emulators with no reset endpoint (LocalStack community): delete every resource of this
    // kind the service holds, declared or not, reporting each as removed and what could not be
    // deleted as failed. False when something could not be deleted or the run was interrupted.
    bool (*purge)(const SeedTarget& target, const std::string& service, SeedSink& sink) = nullptr;
};

}  // namespace devenv
