#include "seed/check.hpp"

#include <algorithm>
#include <map>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "seed/kinds.hpp"
#include "util/error.hpp"
#include "util/suggest.hpp"

namespace devenv {

std::set<std::string> names_in(const Value* list, const char* key) {
    std::set<std::string> out;
    if (list && list->is_sequence())
        for (const auto& i : list->items())
            if (const Value* n = i.find(key)) out.insert(n->text());
    return out;
}

void must_name(const Value& ref, const std::set<std::string>& known, const std::string& path, const std::string& what) {
    if (known.count(ref.text())) return;
    Error e = error_at(ref.mark(), path, fmt::format("unknown {} '{}'", what, ref.text()));
    std::vector<std::string> v(known.begin(), known.end());
    if (auto near = suggest(ref.text(), v)) e.hint(fmt::format("did you mean '{}'?", *near));
    else if (!v.empty()) e.hint(fmt::format("declared: {}", fmt::join(v, ", ")));
    throw e;
}

namespace {

// An emulator that serves only some services (LocalStack's SERVICES) answers a seed of another
// with an error late in `up`; say so while loading, at the seed block.
void check_served(const Service& svc, const SeedKind& kind, const Mark& mark, const std::string& path) {
    if (kind.aws_service.empty() || svc.serves.empty()) return;
    for (const auto& s : svc.serves)
        if (s == kind.aws_service) return;
    throw error_at(mark, path,
                   fmt::format("service '{}' does not serve {}, which '{}' seeds need (it serves: {})", svc.name,
                               kind.aws_service, kind.name, fmt::join(svc.serves, ", ")))
        .hint(fmt::format("add {} to services.{}.with.services, or drop the block with `{}: ~` "
                          "(--set {}=null)",
                          kind.aws_service, svc.name, kind.name, path));
}

class ServiceBlocks : public SeedSiblings {
public:
    const Value* block(std::string_view kind) const override {
        auto it = blocks_.find(std::string(kind));
        return it == blocks_.end() ? nullptr : it->second;
    }
    void add(const std::string& kind, const Value* v) { blocks_[kind] = v; }

private:
    std::map<std::string, const Value*> blocks_;
};

}  // namespace

void check_seed_declarations(Profile& profile) {
    // Templates list the kinds their services take: each must be a kind devenv has.
    for (const auto& svc : profile.services)
        for (const auto& k : svc.seed_kinds)
            if (!find_seed_kind(k))
                throw Error(ErrorKind::profile,
                            fmt::format("template '{}' of service '{}' lists unknown seed kind '{}'", svc.template_name,
                                        svc.name, k));
    std::vector<std::string> all = seed_kind_names();
    // Declarations come grouped by service, in declaration order.
    for (std::size_t i = 0; i < profile.seeds.size();) {
        const std::string& service = profile.seeds[i].service;
        const Service* svc = profile.find_service(service);
        ServiceBlocks blocks;
        std::size_t end = i;
        for (; end < profile.seeds.size() && profile.seeds[end].service == service; ++end) {
            SeedDecl& d = profile.seeds[end];
            std::string kpath = join_path(join_path("seed", service), d.kind);
            const SeedKind* kind = find_seed_kind(d.kind);
            if (!kind) {
                Error e = error_at(d.key_mark, kpath, fmt::format("unknown seed kind '{}'", d.kind));
                if (auto near = suggest(d.kind, svc->seed_kinds)) e.hint(fmt::format("did you mean '{}'?", *near));
                else if (auto any = suggest(d.kind, all)) e.hint(fmt::format("did you mean '{}'?", *any));
                throw e;
            }
            if (std::find(svc->seed_kinds.begin(), svc->seed_kinds.end(), d.kind) == svc->seed_kinds.end()) {
                std::string what = svc->template_name.empty() ? "a raw service"
                                                              : fmt::format("template {}", svc->template_name);
                throw error_at(d.key_mark, kpath,
                               fmt::format("service '{}' ({}) does not take '{}' seeds; it takes: {}", svc->name, what,
                                           d.kind, fmt::join(svc->seed_kinds, ", ")));
            }
            check_served(*svc, *kind, d.key_mark, kpath);
            validate(d.spec, *kind->schema(), kpath);
            blocks.add(d.kind, &d.spec);
        }
        // References are checked once every block of the service has its shape.
        for (std::size_t j = i; j < end; ++j) {
            SeedDecl& d = profile.seeds[j];
            const SeedKind* kind = find_seed_kind(d.kind);
            if (kind->check) kind->check(d.spec, join_path(join_path("seed", service), d.kind), blocks);
            d.checked = true;
        }
        i = end;
    }
}

Profile load_checked_profile(const LoadOptions& opts) {
    Profile p = load_profile(opts);
    check_seed_declarations(p);
    return p;
}

}  // namespace devenv
